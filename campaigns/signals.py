"""Invalidate cached campaign reads on every write to a campaign, a locale or a market (see campaigns.cache),
and record a purge of the CDN's copies of its fan-site pages (campaigns.cdn, through the outbox)."""

from django.db.models.signals import post_delete, post_save

from campaigns.cache import bump_generation
from campaigns.cdn import surrogate_keys
from campaigns.models import Campaign, CampaignLocale, Market
from campaigns.services.outbox import record_purge


def _invalidate(sender, instance=None, **kwargs):
    bump_generation()
    if isinstance(instance, Campaign):
        record_purge(instance.pk, surrogate_keys(instance.pk, instance.domain_site or ""))
    elif instance is not None and getattr(instance, "campaign_id", None):
        record_purge(instance.campaign_id, surrogate_keys(instance.campaign_id))


def connect() -> None:
    """Connect the invalidation handlers (called once from ``CampaignsConfig.ready``)."""
    for model in (Campaign, CampaignLocale, Market):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"campaign-cache-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"campaign-cache-delete-{model.__name__}")
