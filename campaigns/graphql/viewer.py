"""``Viewer`` (catalog §1.4 "Viewer / auth"): the account fields of ``accounts`` plus the campaign fields.

The root ``viewer`` query and the ``authenticate`` mutation answer a Viewer, so they are declared here,
where both halves are known.
"""

import graphene

from accounts.graphql.inputs import IdentityAuth, ViewerInput
from accounts.graphql.sign_in import sign_in_with_any_token, sign_in_with_identity_token
from accounts.graphql.types import AccountViewerFields, ViewerState
from accounts.session import current_fan, viewer_session
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


class Viewer(AccountViewerFields, graphene.ObjectType):
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


def resolve_authenticate(root, info, credentials=None, viewerInput=None):
    """Verify the identity token (``credentials.token``), upsert the fan, issue our JWT (also as cookie)."""
    token = (credentials or {}).get("token")
    return sign_in_with_identity_token(info, token)


class ViewerQuery(graphene.ObjectType):
    viewer = graphene.Field(Viewer, auth=IdentityAuth())

    @staticmethod
    def resolve_viewer(root, info, auth=None):
        if auth and auth.get("token"):
            return sign_in_with_any_token(info, auth["token"])
        return ViewerState(current_fan(info))


class ViewerMutation(graphene.ObjectType):
    authenticate = graphene.Field(
        Viewer, credentials=IdentityAuth(), viewerInput=ViewerInput(), resolver=resolve_authenticate
    )
