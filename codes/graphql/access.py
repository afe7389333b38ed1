"""Who may touch a campaign's codes through GraphQL: supreme, or the ``select`` action on the campaign."""

from accounts.permissions import require_campaign_action
from accounts.session import require_fan
from codes.services.inventory import Actor
from monoql.errors import Forbidden


def code_actor(info, campaign_id) -> Actor:
    """Return the Actor for ``info``'s caller. Raises Unauthenticated, or Forbidden ``supremeUserRequired``."""
    fan = require_fan(info)
    try:
        require_campaign_action(fan, campaign_id, "select")
    except Forbidden as error:
        raise Forbidden("Supreme user access required", reason="supremeUserRequired") from error
    return Actor(fan=fan, label=fan.email or fan.pk)
