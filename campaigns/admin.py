"""Django admin for campaign staff: campaigns with markets and locales inline, artists, venues."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from accounts.permissions import campaign_permissions, has_campaign_action, is_supreme
from campaigns.admin_editor import CONTENT_TEXTS
from campaigns.admin_forms import (
    CampaignAdminForm,
    CampaignLocaleForm,
    CampaignLocaleFormSet,
    CloneMarketsActionForm,
    MarketAdminForm,
)
from campaigns.models import (
    Artist,
    Campaign,
    CampaignLocale,
    CampaignStatusChange,
    Contact,
    Market,
    OutboundDelivery,
    OutboundEvent,
    Promoter,
    Venue,
)
from campaigns.selectors import catalog_events_of_artist
from campaigns.services.campaign_rules import ALLOWED_STATUS_CHANGES, publish_problems
from campaigns.services.discovery_catalog import events_text
from campaigns.services.discovery_import import import_discovery_events
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.markets import clone_markets, save_market
from campaigns.services.outbox import MAX_ATTEMPTS as OUTBOX_MAX_ATTEMPTS
from campaigns.services.promoters import delete_promoter, upsert_promoter
from campaigns.services.search import search_artists
from campaigns.services.upsert_campaign import (
    delete_campaign_locale,
    save_campaign,
    save_campaign_locale,
    upsert_campaign,
)
from monoql.admin_base import ServiceAdmin, ServiceStackedInline, ServiceTabularInline, admin_actor
from monoql.errors import DomainError


@dataclass(frozen=True)
class CampaignPanel:
    """A read-only section that a higher app adds to the campaign page (code inventory, entries per market…).

    ``render(campaign) -> html``; ``views``: ``(route under <campaign id>/, view(model_admin, request,
    campaign_id), url name)`` admin views added under the campaign's URL (e.g. the code upload form). Apps above ``campaigns`` register panels from their ``admin.py`` with
    ``register_campaign_panel``: the campaign page shows them without ``campaigns`` importing those apps.
    """

    name: str
    title: str
    render: Callable
    views: tuple[tuple[str, Callable, str], ...] = ()


CAMPAIGN_PANELS: dict[str, CampaignPanel] = {}


def register_campaign_panel(panel: CampaignPanel) -> None:
    """Show ``panel`` on every campaign's change page (once per name; a later registration replaces it)."""
    CAMPAIGN_PANELS[panel.name] = panel


#: The campaign page's publish buttons: target status → label.
PUBLISH_ACTIONS = {"PREVIEW": "Preview", "OPEN": "Open now", "CLOSED": "Close now"}


class CampaignFilter(admin.SimpleListFilter):
    """ "By campaign" on every campaign-owned list: the campaigns the staff member may see, by name, read from the
    campaigns table (never a DISTINCT over millions of rows). Its parameter is ``campaign__id__exact``, as the
    links of the campaign page and the entries search (names inside a campaign) expect."""

    title = "campaign"
    parameter_name = "campaign__id__exact"

    def lookups(self, request, model_admin):
        rows = Campaign.objects.order_by("name")
        fan = getattr(request.user, "fan", None)
        if not (request.user.is_superuser or is_supreme(fan)):
            rows = rows.filter(pk__in=list(campaign_permissions(fan)))
        return list(rows.values_list("pk", "name")[:200])

    def queryset(self, request, queryset):
        return queryset.filter(campaign_id=self.value()) if self.value() else queryset


class CampaignScopedAdmin(ServiceAdmin):
    """Staff see and act on only their campaigns: a superuser or a supreme fan sees all; any other staff
    member (Django user → ``user.fan``) sees the rows of the campaigns their fan holds a permission on, and
    may change them only with ``write`` (docs/console.md). ``campaign_lookup`` names the campaign's id."""

    campaign_lookup = "campaign_id"

    def _fan(self, request):
        return getattr(request.user, "fan", None)

    def _sees_all(self, request) -> bool:
        return bool(request.user.is_superuser) or is_supreme(self._fan(request))

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if self._sees_all(request):
            return rows
        return rows.filter(**{f"{self.campaign_lookup}__in": list(campaign_permissions(self._fan(request)))})

    def _campaign_of(self, obj) -> str:
        return str(getattr(obj, self.campaign_lookup))

    def _may_write(self, request, obj, allowed: bool) -> bool:
        """Django's own answer, narrowed to campaigns the staff member may ``write``."""
        if not allowed or obj is None or self._sees_all(request):
            return allowed
        return has_campaign_action(self._fan(request), self._campaign_of(obj), "write")

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj, super().has_change_permission(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj, super().has_delete_permission(request, obj))


class MarketInline(ServiceStackedInline):
    """Markets on the campaign page: added and changed here; deleted from the market's own page, where
    fans' choices are moved first or the delete is refused (``entries.services.markets.delete_market``)."""

    model = Market
    form = MarketAdminForm
    extra = 0
    show_change_link = True
    readonly_fields = ["event_date_local"]
    autocomplete_fields = ["venue"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "city", "state", "country"),
                    ("timezone", "population", "event_date_local"),
                    ("latitude", "longitude"),
                ]
            },
        ),
        (
            "Event",
            {
                "fields": [
                    "venue",
                    "event_ids",
                    "pick_events",
                    ("event_name", "event_date", "event_presale_date_time"),
                    ("event_ticketer", "event_venue_name"),
                    "event_link",
                    "event_shared_code",
                    ("split_allocation_type", "split_allocation_is_active", "split_allocation_link"),
                    ("is_added_show", "promoter_ids"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def add_service(self, request, market, form):
        save_market(market, is_new=True, actor=admin_actor(request))

    def change_service(self, request, market, form):
        save_market(market, is_new=False, actor=admin_actor(request))

    @admin.display(description="Event date (venue's time zone)")
    def event_date_local(self, market):
        if not market.event_date:
            return "-"
        try:
            local = market.event_date.astimezone(ZoneInfo(market.timezone or "UTC"))
        except (KeyError, ValueError):
            local = market.event_date
        return local.strftime("%a %d %b %Y %H:%M %Z")


class CampaignStatusChangeInline(ServiceTabularInline):
    model = CampaignStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["date", "from_status", "to_status", "source"]
    verbose_name_plural = "status history"

    def has_add_permission(self, request, obj=None):
        return False


class CampaignLocaleInline(ServiceStackedInline):
    """Each locale's page copy, text by text; empty texts fall back to the default locale (said on the field)."""

    model = CampaignLocale
    form = CampaignLocaleForm
    formset = CampaignLocaleFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [("locale", "is_default"), *CONTENT_TEXTS, "faqs_text", "errors_text"]}),
        ("Advanced: content JSON", {"fields": ["content"], "classes": ["collapse"]}),
    ]

    def add_service(self, request, locale, form):
        save_campaign_locale(locale, actor=admin_actor(request))

    def change_service(self, request, locale, form):
        save_campaign_locale(locale, actor=admin_actor(request))

    def delete_service(self, request, locale):
        delete_campaign_locale(locale, actor=admin_actor(request))


@admin.register(Campaign)
class CampaignAdmin(CampaignScopedAdmin):
    campaign_lookup = "pk"
    list_display = ["name", "type", "status", "artist", "domain_site", "date_open", "date_close", "date_created"]
    form = CampaignAdminForm
    action_form = CloneMarketsActionForm
    actions = ["refresh_statuses", "clone_markets_from", "move_to_preview"]
    list_filter = ["status", "type", "identifier", ("artist", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=id", "name", "artist__name", "domain_site", "tour_name"]
    list_select_related = ["artist"]
    autocomplete_fields = ["artist"]
    readonly_fields = [
        "id",
        "date_opened",
        "date_closed",
        "date_inactivated",
        "date_created",
        "date_updated",
        "dates_in_campaign_timezone",
    ]
    inlines = [CampaignLocaleInline, MarketInline, CampaignStatusChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "id",
                    ("name", "type", "sub_type"),
                    ("status", "identifier"),
                    ("artist", "tour_name"),
                    ("category_id", "reference_timezone", "schema_version"),
                ]
            },
        ),
        ("Domain", {"fields": [("domain_site", "domain_share", "domain_preview")]}),
        (
            "Dates (UTC)",
            {
                "fields": [
                    ("date_open", "date_close", "date_finish"),
                    "open_now_confirmed",
                    ("date_presale_window_start", "date_presale_window_end", "date_general_onsale"),
                    ("date_opened", "date_closed", "date_inactivated"),
                    ("date_created", "date_updated"),
                    "dates_in_campaign_timezone",
                ]
            },
        ),
        ("Registration form", {"fields": ["preferences"]}),
        (
            "Options and gates",
            {
                "fields": [
                    ("gate_card", "gate_linked_account", "gate_idv", "gate_invite_only"),
                    ("prompt_confirm_phone", "allow_intl_phones", "show_access_code", "automated_reminders"),
                    ("queue_id", "waiting_room_duration"),
                    ("slack_stats_channels", "slack_no_alert"),
                    "event_ids_list",
                    "login_types_list",
                ]
            },
        ),
        ("Images", {"fields": [("main_image_file", "mobile_image_file")]}),
        (
            "Advanced (JSON)",
            {
                "fields": [
                    "options",
                    "slack",
                    "login_types",
                    "event_ids",
                    "style",
                    "image",
                    "faqs",
                    "trackers",
                    "contacts",
                ],
                "classes": ["collapse"],
                "description": "The stored documents. The controls above win for the keys they manage.",
            },
        ),
    ]
    change_form_template = "admin/campaigns/campaign/change_form.html"

    @admin.display(description="Dates in the campaign's time zone")
    def dates_in_campaign_timezone(self, campaign):
        zone_name = campaign.reference_timezone or "UTC"
        try:
            zone = ZoneInfo(zone_name)
        except (KeyError, ValueError):
            return "-"
        rows = [
            (label, value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"))
            for label, value in (
                ("open", campaign.date_open),
                ("close", campaign.date_close),
                ("presale window start", campaign.date_presale_window_start),
                ("presale window end", campaign.date_presale_window_end),
                ("general onsale", campaign.date_general_onsale),
            )
            if value
        ]
        if not rows:
            return "-"
        return format_html_join("", "<div>{}: {} ({})</div>", [(*row, zone_name) for row in rows])

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The campaign form, bound to who saves it (an uploaded image is recorded as theirs)."""
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": admin_actor(request)})

    def changelist_view(self, request, extra_context=None):
        """The list; the "clone markets from" choice offers only campaigns the staff member may read."""
        response = super().changelist_view(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("action_form")
        if form is not None and "source_campaign" in form.fields:
            form.fields["source_campaign"].queryset = self.get_queryset(request).order_by("name")
        return response

    def view_on_site(self, campaign):
        """ "View site" opens the campaign's fan site (``/c/<domain>/`` works on any project host)."""
        return f"/c/{campaign.domain_site}/" if campaign.domain_site else None

    def add_service(self, request, campaign, form):
        """Create through ``save_campaign`` (rules already checked by the form, as ``upsert_campaign`` does)."""
        save_campaign(campaign, is_new=True, previous_status=None, fields=form.changed_data, actor=admin_actor(request))

    def change_service(self, request, campaign, form):
        save_campaign(
            campaign,
            is_new=False,
            previous_status=form.previous_status,
            fields=form.changed_data,
            actor=admin_actor(request),
        )

    def has_add_permission(self, request):
        """Creating a campaign (the add form and a Discovery import into a new campaign) is for supreme users and
        superusers only, as ``upsertCampaign`` without an id is (decisions.md #4); Django's ``add_campaign``
        permission alone is not enough."""
        return self._sees_all(request) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *CAMPAIGN_PANELS]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        page = fieldsets.pop()  # the collapsed "Page" section stays last
        panels = [(panel.title, {"fields": [panel.name]}) for panel in CAMPAIGN_PANELS.values()]
        return [*fieldsets, *panels, page]

    def __getattr__(self, name):
        panel = CAMPAIGN_PANELS.get(name)
        if panel is None:
            raise AttributeError(name)

        @admin.display(description=panel.title)
        def show(campaign):
            return panel.render(campaign) if campaign.pk and not campaign._state.adding else "-"

        return show

    @admin.action(description="Refresh statuses now (open, close, deactivate due campaigns)")
    def refresh_statuses(self, request, queryset):
        counts = refresh_campaign_statuses(actor=admin_actor(request)).counts()
        self.message_user(
            request,
            f"Refreshed: {counts['opened']} opened, {counts['closed']} closed, {counts['deactivated']} deactivated.",
        )

    @admin.action(description="Clone markets from the campaign chosen below")
    def clone_markets_from(self, request, queryset):
        source = CloneMarketsActionForm(request.POST).data.get("source_campaign")
        if source and not self.get_queryset(request).filter(pk=source).exists():
            source = None
        if not source:
            self.message_user(request, "Choose the campaign to clone markets from.", level=messages.ERROR)
            return
        try:
            with transaction.atomic():
                cloned = sum(len(clone_markets(source, target.pk, actor=admin_actor(request))) for target in queryset)
        except DomainError as error:
            self.message_user(request, f"Nothing cloned: {error.message}", level=messages.ERROR)
            return
        self.message_user(request, f"Cloned {cloned} market(s).")

    @admin.action(description="Move to PREVIEW (visible on the preview domain)")
    def move_to_preview(self, request, queryset):
        moved, refused = 0, []
        for campaign in queryset:
            try:
                upsert_campaign({"id": campaign.pk, "status": "PREVIEW"}, actor=admin_actor(request))
                moved += 1
            except DomainError as error:
                refused.append(f"{campaign.name}: {error.message}")
        self.message_user(request, f"{moved} campaign(s) in PREVIEW.")
        if refused:
            self.message_user(request, "; ".join(refused), level=messages.WARNING)

    def get_urls(self):
        extra = [
            path(f"<str:campaign_id>/{route}", self.admin_site.admin_view(partial(view, self)), name=name)
            for panel in CAMPAIGN_PANELS.values()
            for route, view, name in panel.views
        ]
        status = self.admin_site.admin_view(self.status_view)
        discovery = self.admin_site.admin_view(self.discovery_view)
        return [
            path("<str:campaign_id>/status/<str:target>/", status, name="campaigns_campaign_status"),
            path("discovery/", discovery, name="campaigns_campaign_discovery_new"),
            path("<str:campaign_id>/discovery/", discovery, name="campaigns_campaign_discovery"),
            *extra,
            *super().get_urls(),
        ]

    def status_view(self, request, campaign_id, target):
        """ "Preview", "Open now", "Close now" on the campaign page: ``POST`` only, through ``upsert_campaign``
        (the same status rules and publish rule as ``upsertCampaign``)."""
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None or request.method != "POST" or not self.has_change_permission(request, campaign):
            return HttpResponseRedirect(reverse("admin:campaigns_campaign_changelist"))
        if target not in PUBLISH_ACTIONS:
            self.message_user(request, f"Unknown status action {target}.", messages.ERROR)
        else:
            try:
                upsert_campaign({"id": campaign.pk, "status": target}, actor=admin_actor(request))
                self.message_user(request, f"{campaign.name}: {PUBLISH_ACTIONS[target]} — now {target}.")
            except DomainError as error:
                self.message_user(request, f"Not changed: {error.message} ({error.reason})", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    def discovery_view(self, request, campaign_id=None):
        """Import a tour from Discovery: search an artist (``searchArtists``' selector), preview their events
        as markets (city, venue, date in the venue's time zone, event ids), choose, confirm — through
        ``import_discovery_events``, the service of ``manage.py import_discovery_events``."""
        campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
        allowed = self.has_change_permission(request, campaign) if campaign else self.has_add_permission(request)
        if (campaign_id and campaign is None) or not allowed:
            return HttpResponseRedirect(reverse("admin:campaigns_campaign_changelist"))
        query = request.GET.get("q", "").strip()
        artist_id = request.POST.get("artist") or request.GET.get("artist", "")
        if request.method == "POST":
            chosen = request.POST.getlist("event")
            if not chosen:
                self.message_user(request, "Choose at least one event to import.", messages.ERROR)
            else:
                try:
                    result = import_discovery_events(
                        events_text(chosen),
                        attraction=artist_id,
                        campaign_id=campaign.pk if campaign else None,
                        name=request.POST.get("name", "").strip() or None,
                        domain=request.POST.get("domain", "").strip() or None,
                        actor=admin_actor(request),
                    )
                except DomainError as error:
                    self.message_user(request, f"Nothing imported: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{len(chosen)} event(s) of {result.campaign.artist.name if result.campaign.artist else artist_id} "
                        f"imported into “{result.campaign.name}”: {result.markets_created} market(s) created, "
                        f"{result.markets_updated} updated.",
                    )
                    return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[result.campaign.pk]))
        artists = search_artists(query, limit=20) if query else []
        artist = Artist.objects.filter(discovery_id=artist_id).first() if artist_id else None
        events = []
        for row in catalog_events_of_artist(artist_id) if artist_id else []:
            zone = row["timezone"] or "UTC"
            try:
                local = row["start"].astimezone(ZoneInfo(zone)) if row["start"] else None
            except (KeyError, ValueError):
                local = row["start"]
            events.append({**row, "local": local.strftime("%a %d %b %Y %H:%M %Z") if local else "date to be announced"})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import events from Discovery{f' into {campaign.name}' if campaign else ''}",
            "opts": self.model._meta,
            "campaign": campaign,
            "query": query,
            "artists": artists,
            "artist": artist,
            "artist_id": artist_id,
            "events": events,
            "live": bool(settings.DISCOVERY_API_KEY),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/discovery_import.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = Campaign.objects.filter(pk=object_id).first()
        extra = dict(extra_context or {})
        if campaign is not None:
            extra["publish_problems"] = [sentence for _, sentence in publish_problems(campaign)]
            extra["publish_actions"] = [
                (status, label)
                for status, label in PUBLISH_ACTIONS.items()
                if status in ALLOWED_STATUS_CHANGES.get(campaign.status, ())
            ]
        return super().change_view(request, object_id, form_url, extra)


class MarketAdminBase(CampaignScopedAdmin):
    """The market page. Registered by ``entries.admin``, which adds the delete (fans' choices move first)."""

    form = MarketAdminForm

    def add_service(self, request, market, form):
        save_market(market, is_new=True, actor=admin_actor(request))

    def change_service(self, request, market, form):
        save_market(market, is_new=False, actor=admin_actor(request))

    list_display = ["name", "campaign", "city", "state", "event_date", "population"]
    list_filter = ["country", CampaignFilter]
    search_fields = ["=id", "name", "city", "campaign__name"]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign", "venue"]


@admin.register(Artist)
class ArtistAdmin(ServiceAdmin):
    """Artists come from Discovery (imports and campaign saves): read-only here."""

    list_display = ["name", "discovery_id", "fanclub_name"]
    search_fields = ["name", "=discovery_id"]


@admin.register(Venue)
class VenueAdmin(ServiceAdmin):
    """Venues come from Discovery imports: read-only here."""

    list_display = ["name", "city", "state", "country", "timezone", "discovery_id"]
    search_fields = ["name", "city", "=discovery_id"]


@admin.register(Promoter)
class PromoterAdmin(ServiceAdmin):
    list_display = ["name", "date_updated"]
    search_fields = ["name", "=id"]

    def add_service(self, request, promoter, form):
        promoter.pk = upsert_promoter(
            {"name": promoter.name, "privacyUrls": promoter.privacy_urls}, actor=admin_actor(request)
        ).pk

    def change_service(self, request, promoter, form):
        upsert_promoter(
            {"id": promoter.pk, "name": promoter.name, "privacyUrls": promoter.privacy_urls}, actor=admin_actor(request)
        )

    def delete_service(self, request, promoter):
        delete_promoter(promoter.pk, actor=admin_actor(request))


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    """Contacts are saved with their campaign (``CampaignInput.contacts``): read-only here."""

    list_display = ["name", "email"]
    search_fields = ["name", "email"]


class DeliveryFilter(admin.SimpleListFilter):
    """Outbound events by delivery: dispatched, pending (with backoff), dead letters (attempts exhausted)."""

    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("dispatched", "Dispatched"), ("pending", "Pending"), ("dead", "Dead letters")]

    def queryset(self, request, queryset):
        if self.value() == "dispatched":
            return queryset.filter(date_dispatched__isnull=False)
        if self.value() == "pending":
            return queryset.filter(date_dispatched__isnull=True, attempts__lt=OUTBOX_MAX_ATTEMPTS)
        if self.value() == "dead":
            return queryset.filter(date_dispatched__isnull=True, attempts__gte=OUTBOX_MAX_ATTEMPTS)
        return queryset


class OutboundDeliveryInline(ServiceTabularInline):
    """Where the event went: one row per sink, with its attempts and last error (read-only: no service writes it
    but the drain)."""

    model = OutboundDelivery
    verbose_name = "delivery"
    verbose_name_plural = "deliveries, one per sink"
    extra = 0
    fields = readonly_fields = ("sink", "date_delivered", "attempts", "next_attempt_at", "last_error")


@admin.register(OutboundEvent)
class OutboundEventAdmin(ServiceAdmin):
    list_display = [
        "id",
        "event_type",
        "campaign_id",
        "market_id",
        "date_created",
        "date_dispatched",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = [DeliveryFilter, "event_type"]
    search_fields = ["=campaign_id", "=market_id"]
    readonly_fields = [f.name for f in OutboundEvent._meta.fields]
    inlines = [OutboundDeliveryInline]

    def has_add_permission(self, request):
        return False
