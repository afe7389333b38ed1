"""Django admin: fans (read-only), supremes and campaign permissions (written through ``accounts.services``)."""

from django.contrib import admin

from accounts.models import CampaignPermission, Fan, Supreme
from accounts.services import grant_campaign_permission, revoke_campaign_permission, set_supreme
from monoql.admin_base import ServiceAdmin, ServiceTabularInline, admin_actor
from monoql.admin_paginator import EstimatedCountPaginator


class CampaignPermissionInline(ServiceTabularInline):
    model = CampaignPermission
    fk_name = "fan"
    extra = 0
    autocomplete_fields = ["campaign"]
    raw_id_fields = ["granted_by"]
    readonly_fields = ["granted_by"]

    def add_service(self, request, permission, form):
        grant_campaign_permission(
            fan_id=permission.fan_id,
            campaign_id=permission.campaign_id,
            action=permission.action,
            actor=admin_actor(request),
        )

    def delete_service(self, request, permission):
        revoke_campaign_permission(permission.pk, actor=admin_actor(request))


@admin.register(Fan)
class FanAdmin(ServiceAdmin):
    """Fans come from the identity provider; erasure is ``manage.py privacy erase`` (it touches every app)."""

    list_display = ["id", "email", "first_name", "last_name", "global_user_id", "member_id", "do_not_sell"]
    search_fields = ["=id", "email", "=global_user_id", "=member_id", "=phone"]
    list_filter = ["do_not_sell"]
    raw_id_fields = ["user"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [CampaignPermissionInline]
    readonly_fields = [field.name for field in Fan._meta.fields]

    def change_service(self, request, fan, form):
        """The fan's own fields are read-only here: saving the page writes only the permissions inline."""


@admin.register(Supreme)
class SupremeAdmin(ServiceAdmin):
    list_display = ["fan", "is_active", "date_created", "date_disabled"]
    list_filter = ["is_active"]
    raw_id_fields = ["fan"]
    list_select_related = ["fan"]
    readonly_fields = ["date_disabled"]

    def add_service(self, request, supreme, form):
        supreme.pk = set_supreme(supreme.fan_id, supreme.is_active, actor=admin_actor(request)).pk

    def change_service(self, request, supreme, form):
        set_supreme(supreme.fan_id, supreme.is_active, actor=admin_actor(request))


@admin.register(CampaignPermission)
class CampaignPermissionAdmin(ServiceAdmin):
    list_display = ["fan", "campaign", "action", "date_created"]
    list_filter = ["action"]
    search_fields = ["fan__email", "=campaign__id", "campaign__name"]
    raw_id_fields = ["fan"]
    readonly_fields = ["granted_by"]
    autocomplete_fields = ["campaign"]
    list_select_related = ["fan", "campaign"]

    def add_service(self, request, permission, form):
        saved = grant_campaign_permission(
            fan_id=permission.fan_id,
            campaign_id=permission.campaign_id,
            action=permission.action,
            actor=admin_actor(request),
        )
        permission.pk = saved.pk

    def delete_service(self, request, permission):
        revoke_campaign_permission(permission.pk, actor=admin_actor(request))
