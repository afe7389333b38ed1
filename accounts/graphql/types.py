"""Viewer types (catalog §1.4 "Viewer / auth")."""

import graphene
import phonenumbers

from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import viewer_session


class CampaignPermissions(graphene.ObjectType):
    """The staff actions a signed-in user holds on one campaign (catalog §3.3 permissions claim)."""

    campaignId = graphene.String(description="Id of the campaign the actions apply to (24 hex characters).")
    actions = graphene.List(
        graphene.String, description="Actions granted on that campaign: read, write, report, select, invite."
    )


class ViewerAuth(graphene.ObjectType):
    """The session issued to the signed-in viewer: send ``token`` as ``Authorization: Bearer <token>``."""

    token = graphene.String(
        description="Our session JWT (HS256 or RS256), valid until expiresAt; logout revokes it at once."
    )
    isSupreme = graphene.Boolean(description="True for supreme users, who may act on every campaign.")
    expiresAt = graphene.Int(description="Expiry of the token in seconds since the Unix epoch (UTC).")
    permissions = graphene.List(
        CampaignPermissions, description="Per-campaign staff actions of this user (empty for a fan)."
    )


class Account(graphene.ObjectType):
    """A phone number the viewer gave, and whether it was confirmed by a code."""

    account = graphene.String(description="The phone number in E.164 form, such as +12125550123.")
    is_confirmed = graphene.Boolean(description="True once the viewer confirmed the number with a texted code.")


class CurrentPhone(graphene.ObjectType):
    """The viewer's phone number as the fan site may show it (never in full)."""

    masked = graphene.String(description="The number with all but its last four digits replaced by '*'.")
    country = graphene.String(description="ISO 3166-1 alpha-2 country of the number, such as US or CA.")
    type = graphene.String(description="Line type from the number plan: MOBILE, FIXED_LINE, VOIP, ... or UNKNOWN.")


class ViewerState:
    """What a ``Viewer`` resolves from: the signed-in fan (or None) of this request."""

    def __init__(self, fan):
        self.fan = fan


def _mask(phone: str) -> str:
    return f"{'*' * max(len(phone) - 4, 0)}{phone[-4:]}" if phone else ""


class AccountViewerFields:
    """The account half of ``Viewer``: who is signed in, their token, phones and permissions.

    ``campaigns.graphql.viewer.Viewer`` adds the campaign fields (``campaign``, ``campaigns``) on top.
    """

    id = graphene.String(description="The signed-in fan's id (24 hex characters); null when anonymous.")
    isLoggedIn = graphene.Boolean(description="True when the request carries a valid session (header or cookie).")
    isAdmin = graphene.Boolean(description="True for supreme users and for users holding actions on any campaign.")
    firstName = graphene.String(description="First name from the identity provider; null when anonymous.")
    lastName = graphene.String(description="Last name from the identity provider; null when anonymous.")
    email = graphene.String(description="Email address from the identity provider, lower-cased.")
    zip = graphene.String(description="Postal code from the identity provider, as given.")
    auth = graphene.Field(ViewerAuth, description="The session token and its permissions; null when anonymous.")
    phones = graphene.List(Account, description="Phone numbers of the viewer and whether each is confirmed.")
    phone = graphene.String(description="The viewer's phone number in E.164 form, such as +12125550123.")
    currentPhone = graphene.Field(CurrentPhone, description="The viewer's phone number, masked for display.")
    doNotSell = graphene.Boolean(
        description="True when the viewer asked not to have their data sold: marketing opt-ins are cleared."
    )

    @staticmethod
    def resolve_id(viewer, info):
        return viewer.fan.pk if viewer.fan else None

    @staticmethod
    def resolve_isLoggedIn(viewer, info):
        return viewer.fan is not None

    @staticmethod
    def resolve_isAdmin(viewer, info):
        return viewer.fan is not None and (is_supreme(viewer.fan) or bool(campaign_permissions(viewer.fan)))

    @staticmethod
    def resolve_firstName(viewer, info):
        return viewer.fan.first_name if viewer.fan else None

    @staticmethod
    def resolve_lastName(viewer, info):
        return viewer.fan.last_name if viewer.fan else None

    @staticmethod
    def resolve_email(viewer, info):
        return viewer.fan.email if viewer.fan else None

    @staticmethod
    def resolve_zip(viewer, info):
        return (viewer.fan.zip or None) if viewer.fan else None

    @staticmethod
    def resolve_phone(viewer, info):
        return (viewer.fan.phone or None) if viewer.fan else None

    @staticmethod
    def resolve_phones(viewer, info):
        if not viewer.fan or not viewer.fan.phone:
            return []
        return [{"account": viewer.fan.phone, "is_confirmed": False}]

    @staticmethod
    def resolve_currentPhone(viewer, info):
        if not viewer.fan or not viewer.fan.phone:
            return None
        try:
            number = phonenumbers.parse(viewer.fan.phone, "US")
            country = phonenumbers.region_code_for_number(number)
            kind = {0: "fixed_line", 1: "mobile", 2: "fixed_line_or_mobile"}.get(phonenumbers.number_type(number))
        except phonenumbers.NumberParseException:
            country, kind = None, None
        return {"masked": _mask(viewer.fan.phone), "country": country, "type": kind}

    @staticmethod
    def resolve_doNotSell(viewer, info):
        return viewer.fan.do_not_sell if viewer.fan else None

    @staticmethod
    def resolve_auth(viewer, info):
        if viewer.fan is None:
            return None
        session = viewer_session(info)
        claims = getattr(viewer.fan, "_session_claims", None) or {}
        permissions = campaign_permissions(viewer.fan)
        return {
            "token": session.token,
            "isSupreme": is_supreme(viewer.fan),
            "expiresAt": claims.get("exp") or getattr(viewer.fan, "_session_expires_at", None),
            "permissions": [{"campaignId": cid, "actions": actions} for cid, actions in permissions.items()],
        }
