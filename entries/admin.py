"""Entry admin (rewritten below)."""

from django.contrib import admin

from entries.models import Entry
from monoql.admin_paginator import EstimatedCountPaginator


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["id", "campaign", "fan", "locale", "date_created", "date_updated", "date_phone_confirmed"]
    list_select_related = ["campaign", "fan"]
    raw_id_fields = ["campaign", "fan", "market_0", "market_1", "market_2", "market_3"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    ordering = ["-id"]
