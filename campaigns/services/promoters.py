"""Promoters (catalog §1.4 ``Promoter``, §2.1 promoter document): supreme-only CRUD.

Rules: a name; each privacy URL has a known locale and an http(s) URL; exactly one URL is the default
when any are given (``INVALID_PROMOTER_SCHEMA``). Deleting a promoter removes it from markets' ``promoterIds``.
"""

import copy

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from campaigns.models import Market, Promoter
from campaigns.reasons import CampaignsReason
from campaigns.services.campaign_rules import valid_campaign_locale
from monoql.audit import Actor, model_diff, record
from monoql.errors import NotFound, ValidationFailed

_url = URLValidator(schemes=["http", "https"])


def _fail(message, field):
    raise ValidationFailed(message, reason=CampaignsReason.INVALID_PROMOTER_SCHEMA, field=field)


def _privacy_urls(items: list[dict]) -> list[dict]:
    urls = []
    for index, item in enumerate(items):
        locale = valid_campaign_locale(item.get("locale") or "", field=f"privacyUrls[{index}].locale")
        try:
            _url(item.get("url") or "")
        except ValidationError:
            _fail(f"privacyUrls[{index}].url is not an http(s) URL.", f"privacyUrls[{index}].url")
        urls.append({"locale": locale, "url": item["url"], "is_default": bool(item.get("is_default"))})
    if urls and sum(1 for u in urls if u["is_default"]) != 1:
        _fail("Exactly one privacy URL must be the default.", "privacyUrls")
    return urls


def upsert_promoter(data: dict, *, actor: Actor) -> Promoter:
    """Create (no ``id``) or update a promoter from ``PromoterInput`` ``{id, name, privacyUrls}``; one audit-log row
    (``promoter.create``/``promoter.update``, the fields' before and after).

    Raises: NotFound ``PROMOTER_NOT_FOUND``; ValidationFailed ``INVALID_PROMOTER_SCHEMA``/``INVALID_LOCALE``.
    """
    with transaction.atomic():
        if data.get("id"):
            promoter = Promoter.objects.select_for_update().filter(pk=str(data["id"])).first()
            if promoter is None:
                raise NotFound(
                    f"No promoter with id '{data['id']}'.", reason=CampaignsReason.PROMOTER_NOT_FOUND, field="id"
                )
            before = copy.copy(promoter)
        else:
            promoter, before = Promoter(), None
        if "name" in data:
            promoter.name = (data["name"] or "").strip()
        if not promoter.name:
            _fail("A promoter needs a name.", "name")
        if "privacyUrls" in data:
            promoter.privacy_urls = _privacy_urls(data["privacyUrls"] or [])
        promoter.save()
        record(
            actor,
            "promoter.update" if before is not None else "promoter.create",
            target=f"promoter:{promoter.pk}",
            changes=model_diff(before, promoter),
        )
    return promoter


def delete_promoter(promoter_id: str, *, actor: Actor) -> dict:
    """Delete a promoter and drop it from every market's ``promoterIds``; one audit-log row (``promoter.delete``).
    Returns ``{deleted, marketsUpdated}``."""
    with transaction.atomic():
        promoter = Promoter.objects.select_for_update().filter(pk=str(promoter_id)).first()
        if promoter is None:
            raise NotFound(
                f"No promoter with id '{promoter_id}'.", reason=CampaignsReason.PROMOTER_NOT_FOUND, field="promoterId"
            )
        # JSON containment is not portable (SQLite), so candidates are narrowed in SQL and matched here.
        candidates = Market.objects.select_for_update().exclude(promoter_ids=[])
        markets = [market for market in candidates if promoter.pk in market.promoter_ids]
        for market in markets:
            market.promoter_ids = [pid for pid in market.promoter_ids if pid != promoter.pk]
            market.save(update_fields=["promoter_ids", "date_updated"])
        record(
            actor,
            "promoter.delete",
            target=f"promoter:{promoter.pk}",
            changes={"name": promoter.name, "markets": [market.pk for market in markets]},
        )
        promoter.delete()
    return {"deleted": 1, "marketsUpdated": len(markets)}
