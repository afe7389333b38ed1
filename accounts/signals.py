"""Every saved or deleted Fan (one by one or in a cascade) retires its cached copy (``accounts.fan_versions``)."""

from django.db.models.signals import post_delete, post_save

from accounts.fan_versions import bump_fan_versions
from accounts.models import Fan


def _retire(sender, instance, **kwargs):
    bump_fan_versions([instance.pk])


def connect() -> None:
    """Connect the receivers (called once from ``AccountsConfig.ready``)."""
    post_save.connect(_retire, sender=Fan, dispatch_uid="fan-cache-save")
    post_delete.connect(_retire, sender=Fan, dispatch_uid="fan-cache-delete")
