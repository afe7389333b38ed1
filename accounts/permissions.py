"""The one permission helper every adapter calls (decisions.md #4, catalog §3.3).

Supreme fans may do everything; others need the action on the campaign.
"""

from accounts.models import CampaignPermission, Fan, Supreme
from accounts.reasons import AccountsReason
from monoql.errors import Forbidden, Unauthenticated


def is_supreme(fan: Fan | None) -> bool:
    """Return True when ``fan`` has an active supreme row."""
    if fan is None:
        return False
    cached = getattr(fan, "_is_supreme", None)
    if cached is None:
        cached = Supreme.objects.filter(fan_id=fan.pk, is_active=True).exists()
        fan._is_supreme = cached
    return cached


def campaign_permissions(fan: Fan | None) -> dict[str, list[str]]:
    """Return ``{campaignId: [actions]}`` for ``fan`` (sorted actions); ``{}`` for anonymous."""
    if fan is None:
        return {}
    cached = getattr(fan, "_campaign_permissions", None)
    if cached is None:
        cached = {}
        rows = CampaignPermission.objects.filter(fan_id=fan.pk).order_by("campaign_id", "action")
        for campaign_id, action in rows.values_list("campaign_id", "action"):
            cached.setdefault(campaign_id, []).append(action)
        fan._campaign_permissions = cached
    return cached


def has_campaign_action(fan: Fan | None, campaign_id: str, action: str) -> bool:
    """Return True when ``fan`` may take ``action`` (read|write|report|select|invite) on ``campaign_id``.

    ``read`` is implied by every other action on the campaign (whoever may edit or export it may see it).
    """
    if fan is None:
        return False
    if is_supreme(fan):
        return True
    actions = campaign_permissions(fan).get(str(campaign_id), [])
    return action in actions or (action == "read" and bool(actions))


def require_campaign_action(fan: Fan | None, campaign_id: str, action: str) -> None:
    """Raise unless ``fan`` may take ``action`` on ``campaign_id``.

    Raises:
        Unauthenticated: anonymous caller.
        Forbidden: signed in without the action (reason ``INVALID_CAMPAIGN_PERMISSIONS``).
    """
    if fan is None:
        raise Unauthenticated("You must be signed in.", reason=AccountsReason.notLoggedIn)
    if not has_campaign_action(fan, campaign_id, action):
        raise Forbidden(
            f"Missing {action} permission on campaign {campaign_id}.",
            reason=AccountsReason.INVALID_CAMPAIGN_PERMISSIONS,
        )


def require_supreme(fan: Fan | None) -> None:
    """Raise unless ``fan`` is supreme (Unauthenticated / Forbidden ``SUPREME_USER_REQUIRED``)."""
    if fan is None:
        raise Unauthenticated("You must be signed in.", reason=AccountsReason.notLoggedIn)
    if not is_supreme(fan):
        raise Forbidden("Only supreme users may do this.", reason=AccountsReason.SUPREME_USER_REQUIRED)
