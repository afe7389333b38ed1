"""Campaign contacts (catalog §1.3 ``saveCampaignContacts``, §2.1 ``/campaigns/:id/contacts``)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from campaigns.models import Campaign, Contact
from campaigns.reasons import CampaignsReason
from monoql.audit import Actor, record
from monoql.errors import NotFound, ValidationFailed


def _contact(item, index: int) -> Contact:
    field = f"contacts[{index}]"
    if isinstance(item, str):
        contact = Contact.objects.filter(pk=item).first()
        if contact is None:
            raise NotFound(f"No contact with id '{item}'.", reason=CampaignsReason.CONTACT_NOT_FOUND, field=field)
        return contact
    if not isinstance(item, dict):
        raise ValidationFailed(
            f"{field} must be a contact id or an object.", reason=CampaignsReason.INVALID_CONTACT, field=field
        )
    contact_id = item.get("_id") or item.get("id")
    contact = Contact.objects.filter(pk=contact_id).first() if contact_id else None
    if contact_id and contact is None:
        raise NotFound(
            f"No contact with id '{contact_id}'.", reason=CampaignsReason.CONTACT_NOT_FOUND, field=f"{field}._id"
        )
    contact = contact or Contact()
    if "name" in item:
        contact.name = str(item["name"] or "").strip()
    if not contact.name:
        raise ValidationFailed(f"{field} needs a name.", reason=CampaignsReason.INVALID_CONTACT, field=f"{field}.name")
    if "email" in item:
        contact.email = str(item["email"] or "").strip()
        if contact.email:
            try:
                validate_email(contact.email)
            except ValidationError:
                raise ValidationFailed(
                    f"{field}.email is not an email address.",
                    reason=CampaignsReason.INVALID_CONTACT,
                    field=f"{field}.email",
                ) from None
    if "keyword" in item:
        keywords = item["keyword"] or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ValidationFailed(
                f"{field}.keyword must be a list of strings.",
                reason=CampaignsReason.INVALID_CONTACT,
                field=f"{field}.keyword",
            )
        contact.keyword = keywords
    contact.save()
    return contact


def save_campaign_contacts(campaign_id: str, contacts: list, *, actor: Actor) -> list[str]:
    """Replace the campaign's contacts with ``contacts`` (ids, or objects ``{_id?, name, email?, keyword[]?}``
    that are created or updated). Returns the contact ids in order. All or nothing; one audit-log row
    (``campaign.contacts``, the ids before and after)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=str(campaign_id)).first()
        if campaign is None:
            raise NotFound(
                f"No campaign with id '{campaign_id}'.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId"
            )
        ids = []
        for index, item in enumerate(contacts or []):
            contact_id = _contact(item, index).pk
            if contact_id not in ids:
                ids.append(contact_id)
        before = list(campaign.contacts or [])
        campaign.contacts = ids
        campaign.save(update_fields=["contacts", "date_updated"])
        record(actor, "campaign.contacts", campaign_id=campaign.pk, changes={"contacts": [before, ids]})
    return ids
