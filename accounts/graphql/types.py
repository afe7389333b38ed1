"""Viewer types (catalog §1.4 "Viewer / auth")."""

import graphene
import phonenumbers

from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import viewer_session


class CampaignPermissions(graphene.ObjectType):
    campaignId = graphene.String()
    actions = graphene.List(graphene.String)


class ViewerAuth(graphene.ObjectType):
    token = graphene.String()
    isSupreme = graphene.Boolean()
    expiresAt = graphene.Int(description="Expiry of the token, epoch seconds.")
    permissions = graphene.List(CampaignPermissions)


class Account(graphene.ObjectType):
    account = graphene.String()
    is_confirmed = graphene.Boolean()


class CurrentPhone(graphene.ObjectType):
    masked = graphene.String()
    country = graphene.String()
    type = graphene.String()


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

    id = graphene.String()
    isLoggedIn = graphene.Boolean()
    isAdmin = graphene.Boolean()
    firstName = graphene.String()
    lastName = graphene.String()
    email = graphene.String()
    zip = graphene.String()
    auth = graphene.Field(ViewerAuth)
    phones = graphene.List(Account)
    phone = graphene.String()
    currentPhone = graphene.Field(CurrentPhone)
    doNotSell = graphene.Boolean()

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
