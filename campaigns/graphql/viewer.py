"""``Viewer`` (catalog §1.4 "Viewer / auth"): the account fields of ``accounts`` plus the campaign fields.

The root ``viewer`` query and the ``authenticate`` mutation answer a Viewer, so they are declared here,
where both halves are known.
"""

import graphene

from accounts.graphql.access import ANYONE, STAFF, Operation
from accounts.graphql.inputs import IdentityAuth, ViewerInput
from accounts.graphql.sign_in import sign_in_with_any_token, sign_in_with_identity_token
from accounts.graphql.types import AccountViewerFields, ViewerState
from accounts.session import current_fan, viewer_session
from campaigns.graphql.enums import CampaignType
from campaigns.graphql.types import Campaign
from campaigns.reasons import CampaignsReason
from campaigns.selectors import (
    category_ids_in_presale_window,
    get_campaign_for_viewer,
    list_campaigns,
    password_digest,
    set_view,
)
from monoql.reasons import GRAPHQL, declare_answers

# ``viewer.campaign`` (a field of the viewer, not an operation) answers these (docs/errors.md)
declare_answers(GRAPHQL, [CampaignsReason.CAMPAIGN_NOT_FOUND, CampaignsReason.INVALID_CAMPAIGN_PASSWORD])


class Campaigns(graphene.ObjectType):
    """The campaigns the viewer may manage (staff): a searchable list and presale category ids."""

    list = graphene.List(
        Campaign,
        limit=graphene.Int(description="How many campaigns to answer at most; 10 by default, 100 at most."),
        skip=graphene.Int(description="How many campaigns to skip before the page starts (0 for the first page)."),
        sort=graphene.String(
            description="The order: name, date.created or status, with a leading - for descending (-date.created)."
        ),
        query=graphene.String(description="Text to find in the campaign's or its artist's name."),
        type=CampaignType(description="Only campaigns of this type."),
        artistId=graphene.ID(description="Only campaigns of this artist: our artist id or its Discovery id."),
        version=graphene.String(description="Only campaigns of this document schema version: v1 or v2."),
        description="Campaigns the viewer holds a permission on (every campaign for supreme users).",
    )
    categoryIds = Operation(
        graphene.List(graphene.ID),
        presaleQueryStartDate=graphene.String(
            required=True, description="Start of the window, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
        ),
        presaleQueryEndDate=graphene.String(
            required=True, description="End of the window, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
        ),
        access=STAFF,
        summary="Presale category ids of the campaigns whose presale window meets the window.",
        errors=["INVALID_DATE"],
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
        return category_ids_in_presale_window(presaleQueryStartDate, presaleQueryEndDate)


class Viewer(AccountViewerFields, graphene.ObjectType):
    """Whoever calls: a signed-in fan or staff member, or anonymous (every field then null but isLoggedIn),
    and the campaigns as they may see them."""

    campaign = graphene.Field(
        Campaign,
        domain=graphene.String(description="The campaign's site domain (or preview domain), such as tour.example.com."),
        id=graphene.String(description="The campaign id (24 hex characters); wins over domain when both are given."),
        locale=graphene.String(
            description="Locale of the content to show, such as en_US or fr-ca; default: the campaign's."
        ),
        showAllLocales=graphene.Boolean(description="True to answer the content of every locale, not only one."),
        password=graphene.String(description="The campaign password, for campaigns that require one."),
        description=(
            "One campaign as the viewer may see it: OPEN/CLOSED campaigns to anyone, DRAFT/PREVIEW ones to staff "
            "with read on them. Errors: NOT_FOUND CAMPAIGN_NOT_FOUND, FORBIDDEN INVALID_CAMPAIGN_PASSWORD."
        ),
    )
    campaigns = graphene.Field(Campaigns, description="Campaign lists and searches for staff.")

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
    viewer = Operation(
        Viewer,
        auth=IdentityAuth(description="Sign in on the way: an identity token, or our session JWT."),
        access=ANYONE,
        summary="The caller and what they may see: their profile, permissions and a campaign by domain or id.",
        errors=["INVALID_IDENTITY_TOKEN", "EXPIRED_IDENTITY_TOKEN"],
    )

    @staticmethod
    def resolve_viewer(root, info, auth=None):
        if auth and auth.get("token"):
            return sign_in_with_any_token(info, auth["token"])
        return ViewerState(current_fan(info))


class ViewerMutation(graphene.ObjectType):
    authenticate = Operation(
        Viewer,
        credentials=IdentityAuth(description="The identity token to sign in with."),
        viewerInput=ViewerInput(description="Profile values the identity token does not give."),
        resolver=resolve_authenticate,
        access=ANYONE,
        summary="Sign in with an identity token: creates or updates the fan and answers the Viewer with a session "
        "token (also set as an httpOnly cookie). Sign-ins are limited per client address and per account.",
        errors=["INVALID_IDENTITY_TOKEN", "EXPIRED_IDENTITY_TOKEN", "TOO_MANY_SIGN_INS"],
    )
