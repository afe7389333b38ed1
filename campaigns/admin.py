"""Django admin for campaign staff: campaigns with markets and locales inline, artists, venues."""

from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.db import transaction
from django.urls import path
from django.utils.html import format_html_join

from campaigns.admin_forms import CampaignAdminForm, CampaignLocaleFormSet, CloneMarketsActionForm, MarketAdminForm
from campaigns.models import (
    Artist,
    Campaign,
    CampaignLocale,
    CampaignStatusChange,
    Contact,
    Market,
    OutboundEvent,
    Promoter,
    Venue,
)
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.markets import clone_markets, record_market_changes, record_market_event
from campaigns.services.upsert_campaign import record_campaign_change, upsert_campaign
from monoql.errors import DomainError


class MarketInline(admin.StackedInline):
    model = Market
    form = MarketAdminForm
    extra = 0
    show_change_link = True
    autocomplete_fields = ["venue"]
    fieldsets = [
        (
            None,
            {"fields": [("name", "city", "state", "country"), ("timezone", "population"), ("latitude", "longitude")]},
        ),
        (
            "Event",
            {
                "fields": [
                    "venue",
                    "event_ids",
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


class CampaignStatusChangeInline(admin.TabularInline):
    model = CampaignStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["date", "from_status", "to_status", "source"]
    verbose_name_plural = "status history"

    def has_add_permission(self, request, obj=None):
        return False


class CampaignLocaleInline(admin.StackedInline):
    model = CampaignLocale
    formset = CampaignLocaleFormSet
    extra = 0
    help_texts = {"content": "Content object (catalog §1.4): meta, body, faqs, image, email, share, phone, errors."}


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
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
        "code_inventory",
        "dates_in_campaign_timezone",
        "registrations_by_market",
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
                    ("date_presale_window_start", "date_presale_window_end", "date_general_onsale"),
                    ("date_opened", "date_closed", "date_inactivated"),
                    ("date_created", "date_updated"),
                    "dates_in_campaign_timezone",
                ]
            },
        ),
        ("Registration form and options", {"fields": ["preferences", "options", "login_types"]}),
        ("Registrations", {"fields": ["registrations_by_market"]}),
        ("Codes", {"fields": ["code_inventory"]}),
        (
            "Page",
            {
                "fields": [
                    ("main_image_file", "mobile_image_file"),
                    "style",
                    "image",
                    "faqs",
                    "trackers",
                    "slack",
                    "contacts",
                    "event_ids",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

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
        return format_html_join("", "<div>{}: {} (" + zone_name + ")</div>", rows)

    def save_model(self, request, obj, form, change):
        """Save through the rules already checked by the form, then record history and the outbound event."""
        super().save_model(request, obj, form, change)
        record_campaign_change(
            obj,
            is_new=not change,
            previous_status=form.previous_status,
            fields=sorted(form.changed_data),
            source=f"admin:{request.user.get_username()}",
        )

    def save_formset(self, request, form, formset, change):
        """Save inlines; market changes emit the same outbound events as ``upsertMarket``/``deleteMarket``."""
        if formset.model is Market:
            for deleted in formset.deleted_forms:
                if deleted.instance.pk:
                    record_market_event(deleted.instance, "market.deleted")
        super().save_formset(request, form, formset, change)
        if formset.model is Market:
            record_market_changes(formset)

    @admin.action(description="Refresh statuses now (open, close, deactivate due campaigns)")
    def refresh_statuses(self, request, queryset):
        counts = refresh_campaign_statuses(source=f"admin:{request.user.get_username()}").counts()
        self.message_user(
            request,
            f"Refreshed: {counts['opened']} opened, {counts['closed']} closed, {counts['deactivated']} deactivated.",
        )

    @admin.action(description="Clone markets from the campaign chosen below")
    def clone_markets_from(self, request, queryset):
        source = CloneMarketsActionForm(request.POST).data.get("source_campaign")
        if not source:
            self.message_user(request, "Choose the campaign to clone markets from.", level=messages.ERROR)
            return
        try:
            with transaction.atomic():
                cloned = sum(len(clone_markets(source, target.pk)) for target in queryset)
        except DomainError as error:
            self.message_user(request, f"Nothing cloned: {error.message}", level=messages.ERROR)
            return
        self.message_user(request, f"Cloned {cloned} market(s).")

    @admin.action(description="Move to PREVIEW (visible on the preview domain)")
    def move_to_preview(self, request, queryset):
        moved, refused = 0, []
        for campaign in queryset:
            try:
                upsert_campaign({"id": campaign.pk, "status": "PREVIEW"}, source=f"admin:{request.user.get_username()}")
                moved += 1
            except DomainError as error:
                refused.append(f"{campaign.name}: {error.message}")
        self.message_user(request, f"{moved} campaign(s) in PREVIEW.")
        if refused:
            self.message_user(request, "; ".join(refused), level=messages.WARNING)

    @admin.display(description="Code inventory")
    def code_inventory(self, campaign):
        from codes.admin import code_inventory_html

        return code_inventory_html(campaign) if campaign.pk and not campaign._state.adding else "-"

    @admin.display(description="Entries per market")
    def registrations_by_market(self, campaign):
        from entries.admin import market_counts_html

        return market_counts_html(campaign) if campaign.pk and not campaign._state.adding else "-"

    def get_urls(self):
        from codes.admin import upload_codes_view

        upload = self.admin_site.admin_view(lambda request, campaign_id: upload_codes_view(self, request, campaign_id))
        return [
            path("<str:campaign_id>/codes/upload/", upload, name="campaigns_campaign_upload_codes"),
            *super().get_urls(),
        ]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    form = MarketAdminForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_market_event(obj, "market.updated" if change else "market.created")

    def delete_model(self, request, obj):
        record_market_event(obj, "market.deleted")
        super().delete_model(request, obj)

    list_display = ["name", "campaign", "city", "state", "event_date", "population"]
    list_filter = ["country"]
    search_fields = ["=id", "name", "city", "campaign__name"]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign", "venue"]


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "discovery_id", "fanclub_name"]
    search_fields = ["name", "=discovery_id"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "country", "timezone", "discovery_id"]
    search_fields = ["name", "city", "=discovery_id"]


@admin.register(Promoter)
class PromoterAdmin(admin.ModelAdmin):
    list_display = ["name", "date_updated"]
    search_fields = ["name", "=id"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name", "email"]


@admin.register(OutboundEvent)
class OutboundEventAdmin(admin.ModelAdmin):
    list_display = ["id", "event_type", "campaign_id", "market_id", "date_created", "date_dispatched", "attempts"]
    list_filter = ["event_type", ("date_dispatched", admin.EmptyFieldListFilter)]
    search_fields = ["=campaign_id", "=market_id"]
    readonly_fields = [f.name for f in OutboundEvent._meta.fields]

    def has_add_permission(self, request):
        return False
