"""``uploadImage`` (catalog §1.3, §3.13): store a base64 gif/png/jpeg as ``images/{name}_{uuid}.{ext}``.

The declared ``contentType`` must match what the bytes are (checked by decoding them with Pillow), the
decoded size is capped by ``IMAGE_UPLOAD_MAX_BYTES``, and the answer is the ``Image`` object
``{url, name, width, height}`` with a public URL from the ``images`` storage.
"""

import base64
import binascii
import io
import uuid
from typing import Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from campaigns.reasons import CampaignsReason
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed
from monoql.reasons import Reason

FORMATS = {"image/gif": ("GIF", "gif"), "image/png": ("PNG", "png"), "image/jpeg": ("JPEG", "jpg")}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}


def _fail(message: str, field: str, reason: Reason = CampaignsReason.INVALID_IMAGE):
    raise ValidationFailed(message, reason=reason, field=field)


def upload_image(
    data: str, content_type: str, file_name: str | None = None, cache_control: str | None = None, *, actor: Actor
) -> dict:
    """Decode, check and store an image; one audit-log row (``image.upload``: the stored name and size).

    Args:
        data: base64 text (a ``data:image/png;base64,`` prefix is accepted).
        content_type: ``image/gif``, ``image/png`` or ``image/jpeg``.
        file_name: the original name; its stem (slugified) starts the stored name, default ``image``.
        cache_control: ``Cache-Control`` of the stored object (S3), e.g. ``max-age=31536000``.
    Returns: ``{"url", "name", "width", "height"}`` (pixels).
    Raises:
        ValidationFailed: ``INVALID_IMAGE_TYPE`` (contentType), ``IMAGE_TOO_LARGE``, ``INVALID_IMAGE``
            (not base64, not an image, or not the declared type) — nothing is stored.
    """
    kind = _ALIASES.get((content_type or "").strip().lower(), (content_type or "").strip().lower())
    if kind not in FORMATS:
        _fail(
            "contentType must be image/gif, image/png or image/jpeg.", "contentType", CampaignsReason.INVALID_IMAGE_TYPE
        )
    text = (data or "").strip()
    if text.startswith("data:"):
        text = text.partition(",")[2]
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if len(text) * 3 // 4 > limit + 3:
        _fail(f"The image is larger than {limit} bytes.", "base64", CampaignsReason.IMAGE_TOO_LARGE)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        _fail("base64 is not valid base64 text.", "base64")
    if not raw:
        _fail("base64 is empty.", "base64")
    if len(raw) > limit:
        _fail(f"The image is larger than {limit} bytes.", "base64", CampaignsReason.IMAGE_TOO_LARGE)
    expected_format, ext = FORMATS[kind]
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
        with Image.open(io.BytesIO(raw)) as image:
            actual_format, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _fail("base64 does not hold a readable gif, png or jpeg image.", "base64")
    if actual_format != expected_format:
        _fail(f"The bytes are a {actual_format} image, not {kind}.", "contentType", CampaignsReason.INVALID_IMAGE_TYPE)
    stem = slugify((file_name or "").rsplit(".", 1)[0])[:80] or "image"
    name = f"{stem}_{uuid.uuid4().hex}.{ext}"
    storage = storages["images"]
    if cache_control and hasattr(storage, "object_parameters"):
        # A private instance: the shared one must not keep this upload's Cache-Control.
        images_storage = cast(dict[str, Any], settings.STORAGES["images"])
        storage = storages.create_storage(images_storage)
        # S3Storage (checked above with hasattr) keeps its upload parameters in object_parameters.
        storage.object_parameters = {**storage.object_parameters, "CacheControl": cache_control}  # type: ignore[attr-defined]
    stored = storage.save(f"images/{name}", ContentFile(raw))
    with transaction.atomic():
        record(actor, "image.upload", target=f"image:{name}"[:128], changes={"bytes": len(raw), "type": kind})
    return {"url": storage.url(stored), "name": name, "width": width, "height": height}
