"""Which campaigns a staff member sees in the console: a Django superuser or a supreme fan sees all; any
other staff member sees the campaigns their fan (``user.fan``) holds a permission on, ``read`` or any
action that implies it (docs/console.md)."""

from accounts.permissions import campaign_permissions, has_campaign_action, is_supreme


def staff_fan(user):
    """The Fan behind a Django staff user, or None."""
    return getattr(user, "fan", None)


def sees_all(user) -> bool:
    """True for superusers and supreme fans."""
    return bool(user.is_superuser) or is_supreme(staff_fan(user))


def visible_campaign_ids(user) -> set[str] | None:
    """The ids of the campaigns ``user`` may see, or None for all of them."""
    if sees_all(user):
        return None
    return set(campaign_permissions(staff_fan(user)))


def may(user, campaign_id: str, action: str = "read") -> bool:
    """Whether ``user`` may take ``action`` on the campaign (superusers and supreme fans may do everything)."""
    return sees_all(user) or has_campaign_action(staff_fan(user), campaign_id, action)
