"""Viewer types (catalog §1.4 "Viewer / auth")."""

import graphene
import phonenumbers

from accounts.permissions import campaign_permissions, is_supreme
from campaigns.graphql.admin_access import require_staff
from campaigns.graphql.enums import CampaignType
from campaigns.graphql.types import Campaign
from campaigns.selectors import (
    category_ids_in_presale_window,
    get_campaign_for_viewer,
    list_campaigns,
    password_digest,
    set_view,
)
from monoql.graphql.context import viewer_session


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


class Campaigns(graphene.ObjectType):
    list = graphene.List(
        Campaign,
        limit=graphene.Int(),
        skip=graphene.Int(),
        sort=graphene.String(),
        query=graphene.String(),
        type=CampaignType(),
        artistId=graphene.ID(),
        version=graphene.String(),
    )
    categoryIds = graphene.List(
        graphene.ID,
        presaleQueryStartDate=graphene.String(required=True),
        presaleQueryEndDate=graphene.String(required=True),
    )

    @staticmethod
    def resolve_list(viewer, info, limit=10, skip=0, sort=None, query=None, type=None, artistId=None, version=None):
        campaigns = list_campaigns(
            viewer.fan,
            limit=limit,
            skip=skip,
            sort=sort,
            query=query,
            campaign_type=type.value if hasattr(type, "value") else type,
            artist_id=artistId,
            version=version,
        )
        return [set_view(campaign, None) for campaign in campaigns]

    @staticmethod
    def resolve_categoryIds(viewer, info, presaleQueryStartDate, presaleQueryEndDate):
        require_staff(info)
        return category_ids_in_presale_window(presaleQueryStartDate, presaleQueryEndDate)


class ViewerState:
    """What a ``Viewer`` resolves from: the signed-in fan (or None) of this request."""

    def __init__(self, fan):
        self.fan = fan


def _mask(phone: str) -> str:
    return f"{'*' * max(len(phone) - 4, 0)}{phone[-4:]}" if phone else ""


class Viewer(graphene.ObjectType):
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
    campaign = graphene.Field(
        Campaign,
        domain=graphene.String(),
        id=graphene.String(),
        locale=graphene.String(),
        showAllLocales=graphene.Boolean(),
        password=graphene.String(),
    )
    campaigns = graphene.Field(Campaigns)

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

    @staticmethod
    def resolve_campaign(viewer, info, domain=None, id=None, locale=None, showAllLocales=False, password=None):
        session = viewer_session(info)
        campaign = get_campaign_for_viewer(
            viewer.fan, campaign_id=id, domain=domain, password=password, remembered=session.campaign_passwords
        )
        if password and (campaign.options or {}).get("requirePassword"):
            session.remember_campaign_password(campaign.pk, password_digest(campaign))
        return set_view(campaign, locale, showAllLocales)

    @staticmethod
    def resolve_campaigns(viewer, info):
        return viewer
