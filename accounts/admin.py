"""Django admin: fans, supremes and campaign permissions."""

from django.contrib import admin

from accounts.models import CampaignPermission, Fan, Supreme
from monoql.admin_paginator import EstimatedCountPaginator


class CampaignPermissionInline(admin.TabularInline):
    model = CampaignPermission
    fk_name = "fan"
    extra = 0
    autocomplete_fields = ["campaign"]
    raw_id_fields = ["granted_by"]


@admin.register(Fan)
class FanAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "first_name", "last_name", "global_user_id", "member_id", "do_not_sell"]
    search_fields = ["=id", "email", "=global_user_id", "=member_id", "=phone"]
    list_filter = ["do_not_sell"]
    raw_id_fields = ["user"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [CampaignPermissionInline]


@admin.register(Supreme)
class SupremeAdmin(admin.ModelAdmin):
    list_display = ["fan", "is_active", "date_created", "date_disabled"]
    list_filter = ["is_active"]
    raw_id_fields = ["fan"]
    list_select_related = ["fan"]


@admin.register(CampaignPermission)
class CampaignPermissionAdmin(admin.ModelAdmin):
    list_display = ["fan", "campaign", "action", "date_created"]
    list_filter = ["action"]
    search_fields = ["fan__email", "=campaign__id", "campaign__name"]
    raw_id_fields = ["fan", "granted_by"]
    autocomplete_fields = ["campaign"]
    list_select_related = ["fan", "campaign"]
