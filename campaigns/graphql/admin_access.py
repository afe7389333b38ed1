"""Who may use the staff-only reads (search, promoters, category ids): supreme or any campaign permission."""

from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import require_fan
from monoql.errors import Forbidden


def require_staff(info):
    """Return the signed-in staff Fan. Raises Unauthenticated (anonymous) or Forbidden ``ADMIN_REQUIRED``."""
    fan = require_fan(info)
    if not (is_supreme(fan) or campaign_permissions(fan)):
        raise Forbidden("Campaign staff only.", reason="ADMIN_REQUIRED")
    return fan
