"""Django admin for campaign staff: campaigns with markets and locales inline, artists, venues."""

from django.contrib import admin
from django.urls import path

from campaigns.models import Artist, Campaign, CampaignLocale, CampaignStatusChange, Market, Venue


class MarketInline(admin.StackedInline):
    model = Market
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
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "status", "artist", "domain_site", "date_open", "date_close", "date_created"]
    list_filter = ["status", "type", "identifier"]
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
                ]
            },
        ),
        ("Registration form and options", {"fields": ["preferences", "options", "login_types"]}),
        ("Codes", {"fields": ["code_inventory"]}),
        (
            "Page",
            {
                "fields": ["style", "image", "faqs", "trackers", "slack", "contacts", "event_ids"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="Code inventory")
    def code_inventory(self, campaign):
        from codes.admin import code_inventory_html

        return code_inventory_html(campaign) if campaign.pk and not campaign._state.adding else "-"

    def get_urls(self):
        from codes.admin import upload_codes_view

        upload = self.admin_site.admin_view(lambda request, campaign_id: upload_codes_view(self, request, campaign_id))
        return [
            path("<str:campaign_id>/codes/upload/", upload, name="campaigns_campaign_upload_codes"),
            *super().get_urls(),
        ]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
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
