"""``uploadImage`` (any staff) and ``saveCampaignContacts`` (``write`` on the campaign), catalog §1.3."""

import graphene

from accounts.graphql.access import STAFF, Operation, campaign_action, staff_actor
from campaigns.graphql.content_types import Image
from campaigns.services.contacts import save_campaign_contacts
from campaigns.services.images import upload_image
from monoql.graphql.scalars import JSON


def resolve_upload_image(root, info, base64, contentType, fileName=None, cacheControl=None):
    """Store a base64 image; returns ``Image {url name width height}`` with an absolute URL."""
    image = upload_image(base64, contentType, fileName, cacheControl, actor=staff_actor(info))
    if image["url"].startswith("/"):
        image["url"] = info.context.build_absolute_uri(image["url"])
    return image


def resolve_save_campaign_contacts(root, info, contacts, campaignId):
    """Replace the campaign's contacts; returns their ids."""
    return save_campaign_contacts(campaignId, contacts, actor=staff_actor(info))


class ContentMutation(graphene.ObjectType):
    uploadImage = Operation(
        Image,
        base64=graphene.String(required=True),
        contentType=graphene.String(required=True),
        fileName=graphene.String(),
        cacheControl=graphene.String(),
        resolver=resolve_upload_image,
        access=STAFF,
        summary="Upload an image (base64) to the public image store; answers its URL.",
        errors=["INVALID_IMAGE", "INVALID_IMAGE_TYPE", "IMAGE_TOO_LARGE"],
    )
    saveCampaignContacts = Operation(
        graphene.List(graphene.String),
        contacts=graphene.List(JSON, required=True),
        campaignId=graphene.ID(required=True),
        resolver=resolve_save_campaign_contacts,
        access=campaign_action("write"),
        summary="Set the campaign's contacts (ids of existing contacts or new contact objects).",
        errors=["CAMPAIGN_NOT_FOUND", "CONTACT_NOT_FOUND", "INVALID_CONTACT"],
    )
