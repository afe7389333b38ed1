"""``uploadImage`` (any staff) and ``saveCampaignContacts`` (``write`` on the campaign), catalog §1.3."""

import graphene

from accounts.permissions import require_campaign_action
from accounts.session import require_fan
from campaigns.graphql.admin_access import require_staff
from campaigns.graphql.content_types import Image
from campaigns.services.contacts import save_campaign_contacts
from campaigns.services.images import upload_image
from monoql.graphql.scalars import JSON
from monoql.reasons import operation_doc


def resolve_upload_image(root, info, base64, contentType, fileName=None, cacheControl=None):
    """Store a base64 image; returns ``Image {url name width height}`` with an absolute URL."""
    require_staff(info)
    image = upload_image(base64, contentType, fileName, cacheControl)
    if image["url"].startswith("/"):
        image["url"] = info.context.build_absolute_uri(image["url"])
    return image


def resolve_save_campaign_contacts(root, info, contacts, campaignId):
    """Replace the campaign's contacts; returns their ids."""
    require_campaign_action(require_fan(info), campaignId, "write")
    return save_campaign_contacts(campaignId, contacts)


class ContentMutation(graphene.ObjectType):
    uploadImage = graphene.Field(
        Image,
        base64=graphene.String(required=True),
        contentType=graphene.String(required=True),
        fileName=graphene.String(),
        cacheControl=graphene.String(),
        resolver=resolve_upload_image,
        description=operation_doc(
            "Upload an image (base64) to the public image store; answers its URL.",
            "staff (supreme users or anyone with an action on a campaign)",
            "notLoggedIn",
            "ADMIN_REQUIRED",
            "INVALID_IMAGE",
            "INVALID_IMAGE_TYPE",
            "IMAGE_TOO_LARGE",
        ),
    )
    saveCampaignContacts = graphene.Field(
        graphene.List(graphene.String),
        contacts=graphene.List(JSON, required=True),
        campaignId=graphene.ID(required=True),
        resolver=resolve_save_campaign_contacts,
        description=operation_doc(
            "Set the campaign's contacts (ids of existing contacts or new contact objects).",
            "staff with `write` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
            "CONTACT_NOT_FOUND",
            "INVALID_CONTACT",
        ),
    )
