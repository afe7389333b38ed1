"""Fan-side phone confirmation: ``sendPhoneConfirmationCode``, ``verifyPhoneConfirmationCode`` (the
verification side monoql ships) and ``submitConfirm`` (catalog §1.3, §3.6.3); and ``refreshEntryAttribute``."""

import graphene

from accounts.graphql.access import SIGNED_IN, Operation
from accounts.graphql.sign_in import require_current_identity
from accounts.session import require_fan
from campaigns.graphql.enums import LinkableAttributeType
from entries.services.attributes import refresh_entry_attribute
from entries.services.phone_confirmation import send_phone_code, submit_confirm, verify_phone_code
from entries.validation import FIELD_REASONS
from monoql.graphql.scalars import JSON


def _forget_viewer_entries(info):
    info.context.__dict__.pop("_viewer_entries", None)


def resolve_send_code(root, info, campaignId, phone):
    """Text a 6-digit code to ``phone``; returns ``{phone, expiresAt}``."""
    return send_phone_code(campaign_id=campaignId, fan=require_fan(info), phone=phone)


def resolve_verify_code(root, info, campaignId, phone, code):
    """Check the code; returns ``{phoneJwt, expiresAt}`` for ``submitConfirm``."""
    return verify_phone_code(campaign_id=campaignId, fan=require_fan(info), phone=phone, code=code)


def resolve_submit_confirm(root, info, campaignId, phoneJwt):
    """Confirm the signed-in fan's entry phone; returns ``{phoneConfirmed, phone}``."""
    result = submit_confirm(campaign_id=campaignId, fan=require_current_identity(info), phone_jwt=phoneJwt)
    _forget_viewer_entries(info)
    return result


def resolve_refresh_entry_attribute(root, info, campaignId, attribute):
    """Re-check a linkable card attribute; returns the entry's ``attributes``."""
    value = getattr(attribute, "value", attribute)
    result = refresh_entry_attribute(campaign_id=campaignId, fan=require_current_identity(info), attribute=value)
    _forget_viewer_entries(info)
    return result


class PhoneMutation(graphene.ObjectType):
    sendPhoneConfirmationCode = Operation(
        JSON,
        campaignId=graphene.String(required=True),
        phone=graphene.String(required=True),
        resolver=resolve_send_code,
        access=SIGNED_IN,
        summary="Text a 6-digit confirmation code to the phone (monoql's own verification service).",
        errors=["CAMPAIGN_NOT_FOUND", "TOO_MANY_CODES", "invalidCampaignStatus", *FIELD_REASONS],
    )
    verifyPhoneConfirmationCode = Operation(
        JSON,
        campaignId=graphene.String(required=True),
        phone=graphene.String(required=True),
        code=graphene.String(required=True),
        resolver=resolve_verify_code,
        access=SIGNED_IN,
        summary="Check the code; answers {phoneJwt, expiresAt} to pass to submitConfirm.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "PHONE_CODE_EXPIRED",
            "PHONE_CODE_INVALID",
            "TOO_MANY_ATTEMPTS",
            "invalidCampaignStatus",
            *FIELD_REASONS,
        ],
    )
    submitConfirm = Operation(
        JSON,
        campaignId=graphene.String(required=True),
        phoneJwt=graphene.String(required=True),
        resolver=resolve_submit_confirm,
        access=SIGNED_IN,
        summary="Record the signed-in fan's confirmed phone on their entry, from the phoneJwt verifyPhoneConfirmationCode gave.",
        errors=[
            "ENTRY_NOT_FOUND",
            "INVALID_PHONE_JWT",
            "PHONE_JWT_EXPIRED",
            "PHONE_MISMATCH",
            "CAMPAIGN_MISMATCH",
            "phoneAlreadyConfirmed",
            "invalidCampaignStatus",
        ],
    )
    refreshEntryAttribute = Operation(
        JSON,
        campaignId=graphene.ID(required=True),
        attribute=LinkableAttributeType(required=True),
        resolver=resolve_refresh_entry_attribute,
        access=SIGNED_IN,
        summary="Refresh one attribute of the signed-in fan's entry from the identity provider (such as a linked account).",
        errors=["ENTRY_NOT_FOUND", "INVALID_ATTRIBUTE"],
    )
