"""Invalidate cached campaign reads on every write to a campaign, a locale or a market (see campaigns.cache)."""

from django.db.models.signals import post_delete, post_save

from campaigns.cache import bump_generation
from campaigns.models import Campaign, CampaignLocale, Market


def _invalidate(sender, **kwargs):
    bump_generation()


def connect() -> None:
    """Connect the invalidation handlers (called once from ``CampaignsConfig.ready``)."""
    for model in (Campaign, CampaignLocale, Market):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"campaign-cache-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"campaign-cache-delete-{model.__name__}")
