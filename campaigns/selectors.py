"""Campaign reads shared by the adapters (GraphQL, admin, commands)."""

import copy

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.permissions import has_campaign_action, is_supreme
from campaigns.cache import campaign_key, get_cached, store
from campaigns.models import Campaign, CampaignLocale, CampaignStatus, Contact, DiscoveryEvent, Market, Promoter, Venue
from campaigns.reasons import CampaignsReason
from monoql.dates import parse_iso
from monoql.errors import Forbidden, NotFound, ValidationFailed
from monoql.locales import DEFAULT_LOCALE, resolve_locale
from monoql.reasons import Reason

HIDDEN_FROM_FANS = (CampaignStatus.DRAFT, CampaignStatus.PREVIEW)


def _campaigns_with_children():
    return Campaign.objects.select_related("artist").prefetch_related(
        Prefetch("locales", queryset=CampaignLocale.objects.order_by("-is_default", "locale")),
        Prefetch("markets", queryset=Market.objects.order_by("event_date", "name")),
    )


def campaign_locale_ids(campaign) -> list[str]:
    """Return the campaign's locales (GraphQL spelling), default first."""
    return [row.locale for row in campaign.locales.all()]


def campaign_default_locale(campaign) -> str:
    """Return the campaign's default locale, else its first, else ``en_US``."""
    rows = list(campaign.locales.all())
    default = next((row.locale for row in rows if row.is_default), None)
    return default or (rows[0].locale if rows else DEFAULT_LOCALE)


def view_locale(campaign) -> str:
    """Return the locale the caller sees: requested → default → ``en_US`` (decisions.md #6)."""
    resolved = getattr(campaign, "_view_locale", None)
    if resolved is None:
        resolved = resolve_locale(None, campaign_locale_ids(campaign), campaign_default_locale(campaign))
        campaign._view_locale = resolved
    return resolved


def set_view(campaign, locale: str | None, show_all_locales: bool = False):
    """Record on ``campaign`` the locale it is shown in. Raises ValidationFailed for a malformed locale."""
    campaign._view_locale = resolve_locale(locale, campaign_locale_ids(campaign), campaign_default_locale(campaign))
    campaign._show_all_locales = bool(show_all_locales)
    return campaign


def _visible(campaign, fan, via_preview: bool) -> bool:
    if campaign.status not in HIDDEN_FROM_FANS:
        return True
    if via_preview and campaign.status == CampaignStatus.PREVIEW:
        return True
    return has_campaign_action(fan, campaign.pk, "read")


def password_digest(campaign) -> str:
    """Return a digest of the campaign's current password (what a browser's password cookie remembers)."""
    value = f"{campaign.pk}:{(campaign.options or {}).get('passwordValue') or ''}"
    return salted_hmac("campaign-password", value).hexdigest()[:32]


def _load(kind: str, value: str, use_cache: bool):
    """Load a campaign with artist, locales and markets by ``id``/``domain``/``preview``; cached when allowed."""
    key = campaign_key(kind, value) if use_cache and settings.CAMPAIGN_CACHE else None
    if key:
        cached = get_cached(key)
        if cached is not None:
            return cached or None
    queryset = _campaigns_with_children()
    if kind == "id":
        campaign = queryset.filter(pk=value).first()
    elif kind == "domain":
        campaign = queryset.filter(domain_site=value).exclude(status=CampaignStatus.INACTIVE).first()
    else:
        campaign = queryset.filter(domain_preview=value).first()
    if key:
        store(key, campaign or False)
    return campaign


def campaign_hosts() -> frozenset[str]:
    """The host names fan sites are served on: every non-INACTIVE campaign's ``domain.site`` and every
    ``domain.preview``, lower-case. Cached per campaign generation (one query after any campaign write)."""
    key = campaign_key("hosts", "all") if settings.CAMPAIGN_CACHE else None
    cached = get_cached(key) if key else None
    if cached is not None:
        return cached
    rows = Campaign.objects.exclude(status=CampaignStatus.INACTIVE).values_list("domain_site", "domain_preview")
    hosts = frozenset(name.lower() for pair in rows for name in pair if name)
    if key:
        store(key, hosts)
    return hosts


def open_campaigns_for_index(limit: int = 50) -> list[Campaign]:
    """OPEN campaigns with a site domain, newest first: the list shown where no campaign owns the host."""
    return list(
        Campaign.objects.filter(status=CampaignStatus.OPEN)
        .exclude(domain_site__isnull=True)
        .exclude(domain_site="")
        .only("id", "name", "domain_site")
        .order_by("-date_created")[:limit]
    )


def campaign_or_404(
    campaign_id, *, reason: Reason = CampaignsReason.CAMPAIGN_NOT_FOUND, field: str = "campaignId"
) -> Campaign:
    """Return the campaign with ``campaign_id``. Raises NotFound (``reason``, ``field``) when there is none."""
    campaign = Campaign.objects.filter(pk=str(campaign_id)).first()
    if campaign is None:
        raise NotFound("Campaign not found.", reason=reason, field=field)
    return campaign


_LOCAL_CAMPAIGNS: dict = {}
_LOCAL_SIZE = 256


def campaign_with_children(campaign_id: str):
    """Return the campaign with its markets and locales prefetched, through the campaign cache (or None).

    The cache is keyed by the campaign generation, which every campaign, market, locale and status
    write bumps on commit, so a cached copy is never older than the last committed change. Within a
    process the unpickled copy is kept per generation too (the hot registration path then costs one
    Redis GET: the generation). Callers get a shallow copy and must not change related objects.
    """
    if not settings.CAMPAIGN_CACHE:
        return _load("id", str(campaign_id), False)
    key = campaign_key("id", str(campaign_id))
    local = _LOCAL_CAMPAIGNS.get(key)
    if local is None:
        local = _load("id", str(campaign_id), True) or False
        if len(_LOCAL_CAMPAIGNS) >= _LOCAL_SIZE:
            _LOCAL_CAMPAIGNS.clear()
        _LOCAL_CAMPAIGNS[key] = local
    return copy.copy(local) if local else None


def get_campaign_for_viewer(fan, *, campaign_id=None, domain=None, password=None, remembered=None, use_cache=True):
    """Load one campaign as a viewer sees it (``viewer.campaign``, catalog §1.7).

    Looks up by ``campaign_id`` when given, else by ``domain`` (site domain of a non-INACTIVE campaign,
    or its preview domain). DRAFT and PREVIEW campaigns are visible to fans with ``read`` on them;
    a PREVIEW campaign also through its preview domain. Reads go through the campaign cache
    (``campaigns.cache``) unless ``use_cache`` is False.

    Args:
        password: the password argument, for ``options.requirePassword`` campaigns.
        remembered: ``{campaignId: digest}`` of passwords this browser gave before (password cookie).
    Returns: Campaign with artist, locales and markets loaded.
    Raises:
        NotFound: no such campaign, or not visible to the caller (reason ``CAMPAIGN_NOT_FOUND``).
        Forbidden: the campaign requires a password and neither ``password`` nor ``remembered`` proves it
            (``INVALID_CAMPAIGN_PASSWORD``, field ``password``).
    """
    via_preview = False
    campaign = None
    if campaign_id:
        campaign = _load("id", str(campaign_id), use_cache)
    elif domain:
        domain = domain.strip().lower()
        campaign = _load("domain", domain, use_cache)
        if campaign is None:
            campaign = _load("preview", domain, use_cache)
            via_preview = campaign is not None
    if campaign is None or not _visible(campaign, fan, via_preview):
        raise NotFound("Campaign not found.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND)
    options = campaign.options or {}
    if options.get("requirePassword") and not has_campaign_action(fan, campaign.pk, "read"):
        given = password is not None and password != ""
        if given and not constant_time_compare(password, options.get("passwordValue") or ""):
            raise Forbidden(
                "The campaign password is not correct.",
                reason=CampaignsReason.INVALID_CAMPAIGN_PASSWORD,
                field="password",
            )
        if not given and (remembered or {}).get(campaign.pk) != password_digest(campaign):
            raise Forbidden(
                "This campaign is protected by a password.",
                reason=CampaignsReason.INVALID_CAMPAIGN_PASSWORD,
                field="password",
            )
    return campaign


def list_campaigns(fan, *, limit=10, skip=0, sort=None, query=None, campaign_type=None, artist_id=None, version=None):
    """Campaigns the caller administers (``viewer.campaigns.list``, catalog §3.1 "List").

    Supreme fans see all; others see the campaigns they hold any action on; anonymous callers get ``[]``.
    ``query`` searches campaign and artist names; ``version`` (``v1``/``v2``) filters by schema version; ``sort`` is a field name with optional ``-``
    (``name``, ``date.created``, ``status``); ``limit`` is capped at 100.
    Returns: list of Campaign with children loaded.
    """
    if fan is None:
        return []
    queryset = _campaigns_with_children()
    if not is_supreme(fan):
        # Any action on a campaign implies read (accounts.permissions.has_campaign_action).
        queryset = queryset.filter(permissions__fan=fan)
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(artist__name__icontains=query))
    if campaign_type:
        queryset = queryset.filter(type=campaign_type)
    if artist_id:
        queryset = queryset.filter(Q(artist_id=artist_id) | Q(artist__discovery_id=artist_id))
    if version:
        queryset = queryset.filter(schema_version=str(version).lower().lstrip("v"))
    sort_fields = {"name": "name", "date.created": "date_created", "status": "status", "date.open": "date_open"}
    order = "-date_created"
    if sort:
        descending = sort.startswith("-")
        field = sort_fields.get(sort.lstrip("-"))
        if field:
            order = f"-{field}" if descending else field
    limit = max(0, min(int(limit or 10), 100))
    skip = max(0, int(skip or 0))
    return list(queryset.order_by(order, "pk").distinct()[skip : skip + limit])


def category_ids_in_presale_window(start: str, end: str) -> list[str]:
    """Category ids of visible campaigns whose presale window overlaps [start, end] (``viewer.campaigns.categoryIds``).

    Args: ISO-8601 dates (both required). Raises: ValidationFailed ``INVALID_DATE`` naming the argument.
    """
    bounds = {}
    for name, value in (("presaleQueryStartDate", start), ("presaleQueryEndDate", end)):
        try:
            bounds[name] = parse_iso(value)
        except (TypeError, ValueError):
            bounds[name] = None
        if bounds[name] is None:
            raise ValidationFailed(f"{name} must be an ISO-8601 date.", reason=CampaignsReason.INVALID_DATE, field=name)
    return [
        category_id
        for category_id in Campaign.objects.filter(
            category_id__isnull=False,
            date_presale_window_start__lte=bounds["presaleQueryEndDate"],
            date_presale_window_end__gte=bounds["presaleQueryStartDate"],
        )
        .exclude(status__in=HIDDEN_FROM_FANS)
        .exclude(category_id="")
        .order_by("category_id")
        .values_list("category_id", flat=True)
        .distinct()
        if category_id
    ]


def contact_document(contact) -> dict:
    """A contact as the contract shows it: ``{_id, name, email, keyword[]}``."""
    return {"_id": contact.pk, "name": contact.name, "email": contact.email or None, "keyword": list(contact.keyword)}


def contacts_of(campaign) -> list[dict]:
    """Return the campaign's contacts as ``contact_document`` objects, in stored order."""
    ids = [c for c in campaign.contacts or [] if isinstance(c, str)]
    found = Contact.objects.in_bulk(ids)
    return [contact_document(c) for c in (found.get(i) for i in ids) if c is not None]


def list_promoters() -> list:
    """All promoters, by name."""
    return list(Promoter.objects.order_by("name", "pk"))


def catalog_events_of_artist(discovery_id: str) -> list[dict]:
    """The local Discovery catalog's events featuring the artist ``discovery_id``, in start order, as rows
    for the import preview: ``{id, name, start (UTC datetime), timezone, venue, city, state, country}``."""
    events = [
        row for row in DiscoveryEvent.objects.order_by("start", "discovery_id") if discovery_id in row.attraction_ids
    ]
    venues = {
        venue.discovery_id: venue
        for venue in Venue.objects.filter(discovery_id__in={row.venue_discovery_id for row in events})
    }
    rows = []
    for event in events:
        venue = venues.get(event.venue_discovery_id)
        rows.append(
            {
                "id": event.discovery_id,
                "name": event.name,
                "start": event.start,
                "timezone": venue.timezone if venue else "",
                "venue": venue.name if venue else "",
                "city": venue.city if venue else "",
                "state": venue.state if venue else "",
                "country": venue.country if venue else "",
            }
        )
    return rows
