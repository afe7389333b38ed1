"""Entry admin, usable on large tables: no full count, joined list rows, raw-id widgets."""

from django.contrib import admin

from entries.models import Entry, EntryMarketPreference
from monoql.admin_paginator import EstimatedCountPaginator


class EntryMarketPreferenceInline(admin.TabularInline):
    model = EntryMarketPreference
    extra = 0
    raw_id_fields = ["market", "campaign"]
    readonly_fields = ["rank"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["id", "campaign", "fan", "locale", "date_created", "date_updated", "date_phone_confirmed"]
    list_select_related = ["campaign", "fan"]
    list_filter = ["campaign__status", "locale"]
    search_fields = ["=id", "=fan__id", "=fan__email", "=fan__global_user_id"]
    raw_id_fields = ["campaign", "fan"]
    readonly_fields = ["date_created", "date_updated"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    inlines = [EntryMarketPreferenceInline]
    ordering = ["-id"]
