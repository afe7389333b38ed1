"""``upsertViewerEntry(entry, campaignId, locale): Viewer`` (catalog §1.3, §1.7, §3.6)."""

import graphene

from accounts.graphql.access import SIGNED_IN, Operation
from accounts.graphql.sign_in import require_current_identity
from accounts.graphql.types import ViewerState
from campaigns.graphql.viewer import Viewer
from entries.services.upsert_entry import RequestMetadata, upsert_entry
from entries.validation import FIELD_REASONS
from monoql.graphql.scalars import JSON


def request_metadata(request) -> RequestMetadata:
    """Read the submission's origin from the HTTP request (catalog §1.7 request metadata)."""
    return RequestMetadata(
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent"),
        forwarded_for=request.headers.get("X-Forwarded-For"),
        ip_country=request.headers.get("CF-IPCountry"),
        session_id=request.headers.get("X-Nudetect-Session-Id"),
    )


def resolve_upsert_viewer_entry(root, info, entry, campaignId, locale):
    """Signed-in fans only; the campaign must be OPEN; returns the Viewer (read ``campaign.entry`` from it)."""
    fan = require_current_identity(info)
    upsert_entry(
        campaign_id=campaignId,
        fan=fan,
        submitted=entry,
        locale=locale,
        metadata=request_metadata(info.context),
    )
    info.context.__dict__.pop("_viewer_entries", None)
    return ViewerState(fan)


class EntriesMutation(graphene.ObjectType):
    upsertViewerEntry = Operation(
        Viewer,
        entry=JSON(
            required=True,
            description=(
                "The registration form's values keyed by field id ({email, phone, market, optional_markets, "
                "...}); on an update only the fields sent change. Beside them a fan site may send ref_code, ref_url, "
                "ref_tag (referral) and form_ms (whole milliseconds from the form's first paint to its submit, as a "
                "string: the bot score reads it; a site that sends none scores neutral)."
            ),
        ),
        campaignId=graphene.String(required=True, description="Id of the OPEN campaign to register in."),
        locale=graphene.String(
            required=True, description="The fan's locale in any common spelling (en_US, fr-ca); stored resolved."
        ),
        resolver=resolve_upsert_viewer_entry,
        access=SIGNED_IN,
        summary="Register the signed-in fan in a campaign, or update their entry (one per fan and campaign); answers "
        "the Viewer (read campaign(id).entry from it). A gate refusal answers the gate's reason, a bad value "
        "names its field.",
        errors=[
            "REVOKED_TOKEN",
            "CAMPAIGN_NOT_FOUND",
            "invalidCampaignStatus",
            "NO_CARD",
            "NOT_LINKED",
            "NO_IDV",
            "NO_INVITE",
            "INVALID_ENTRY",
            "INVALID_LOCALE",
            "ENTRY_UNKNOWN_FIELD",
            "EntryInvalidField",
            "ENTRY_MISSING_CONTACT",
            "MISSING_REQUIRED_FIELDS",
            "NO_LINKED_CAMPAIGN_ENTRY",
            "NO_PAST_PARTICIPATION",
            "invalidSession",
            *FIELD_REASONS,
            "CAMPAIGN_NOT_OPEN",
            "ENTRY_BLOCKED",
            "ENTRY_CONFLICT",
            "PHONE_NOT_CONFIRMED",
        ],
    )
