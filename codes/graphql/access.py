"""The actor a code operation records (``codes.services.inventory.Actor``); who may call each code operation
is declared on it (``accounts.graphql.access``: ``select`` on the campaign or supreme, refused as
``supremeUserRequired``, the code service's spelling)."""

from accounts.session import require_fan
from codes.services.inventory import Actor


def code_actor(info) -> Actor:
    """Return the Actor of ``info``'s signed-in caller. Raises Unauthenticated ``notLoggedIn``."""
    fan = require_fan(info)
    return Actor(fan=fan, label=fan.email or fan.pk)
