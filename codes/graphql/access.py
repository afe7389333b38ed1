"""The actor a code operation records (``monoql.audit.Actor``); who may call each code operation
is declared on it (``accounts.graphql.access``: ``select`` on the campaign or supreme, refused as
``supremeUserRequired``, the code service's spelling)."""

from accounts.graphql.access import staff_actor
from monoql.audit import Actor


def code_actor(info) -> Actor:
    """Return the Actor of ``info``'s signed-in caller, through GraphQL. Raises Unauthenticated ``notLoggedIn``."""
    return staff_actor(info)
