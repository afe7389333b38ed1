"""Private file storage and signed download links (the core's part; exports and wave prep use it).

Files live in Django's default storage: S3 (private objects) when ``AWS_STORAGE_BUCKET_NAME`` is set,
``media/`` otherwise. A download link is valid ``EXPORT_URL_SECONDS`` (default 3600 s) and made on every
read: S3 presigns a GET; local storage serves ``/api/files/download/<token>`` with a Django-signed token.
"""

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

FILE_SALT = "monoql.files.download"


def is_local(storage=None) -> bool:
    """True when ``storage`` (default: the default storage) keeps files on this machine's file system."""
    return isinstance(storage if storage is not None else default_storage, FileSystemStorage)


def signed_key_url(key: str, request=None) -> str | None:
    """Return a download URL for a private storage ``key`` (e.g. a prepped wave prep zip), or None for no key.

    Args:
        key: the storage key, e.g. ``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip``.
        request: when given, the local URL is absolute (``request.build_absolute_uri``).
    Returns: an S3 presigned GET URL or ``/api/files/download/<token>``, valid ``EXPORT_URL_SECONDS`` seconds.
    """
    if not key:
        return None
    if not is_local():
        return default_storage.url(key, expire=settings.EXPORT_URL_SECONDS)  # type: ignore[call-arg]  # S3Storage.url takes expire
    token = signing.dumps({"key": key}, salt=FILE_SALT)
    path = reverse("file-download", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def key_from_token(token: str) -> str | None:
    """Return the storage key of a valid, unexpired file token (``signed_key_url``); None otherwise."""
    try:
        return signing.loads(token, salt=FILE_SALT, max_age=settings.EXPORT_URL_SECONDS)["key"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
