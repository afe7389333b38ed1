"""Putting a finished export file under its final key, and signing download links."""

import os

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse

from monoql.storage import is_local

DOWNLOAD_SALT = "monoql.exports.download"


def final_key(export, extension: str) -> str:
    """``exports/{campaignId}/{exportType}/{exportId}.{ext}``: one key per export, reused by retries."""
    return f"exports/{export.campaign_id}/{export.export_type}/{export.pk}.{extension}"


def publish(local_path: str, key: str, content_type: str) -> str:
    """Move a complete local file under ``key`` in the default (private) storage, replacing what is there.

    The object appears whole or not at all: local storage renames within the file system (atomic); S3
    uploads the object in one PUT (multipart for large files, visible only when complete).
    Returns the key.
    """
    storage = default_storage
    if is_local(storage):
        target = storage.path(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(local_path, target)
        return key
    if storage.exists(key):
        storage.delete(key)
    with open(local_path, "rb") as handle:
        saved = storage.save(key, File(handle, name=os.path.basename(key)))
    return saved


def signed_url(export, request=None) -> str | None:
    """A download URL valid ``EXPORT_URL_SECONDS`` (default 3600 s), made on every read; None until finished.

    S3: a presigned GET of the private object. Local storage: ``/api/exports/download/<signed token>``,
    a Django-signed token carrying the export id, checked for age by the download view.
    """
    if not export.path or export.date_file_removed:
        return None
    seconds = settings.EXPORT_URL_SECONDS
    storage = default_storage
    if not is_local(storage):
        return storage.url(export.path, expire=seconds)  # type: ignore[call-arg]  # S3Storage.url takes expire
    token = signing.dumps({"id": export.pk}, salt=DOWNLOAD_SALT)
    path = reverse("export-download", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def export_id_from_token(token: str) -> str | None:
    """The export id of a valid, unexpired download token; None otherwise."""
    try:
        return signing.loads(token, salt=DOWNLOAD_SALT, max_age=settings.EXPORT_URL_SECONDS)["id"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
