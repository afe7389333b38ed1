"""Root composition of the admin: the staff console (dashboard, live jobs, overview) joins the campaign pages; the
audit log's list."""

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import FanAdmin
from accounts.models import Fan
from accounts.permissions import is_supreme
from campaigns.admin import CampaignPanel, CampaignScopedAdmin, register_campaign_panel
from campaigns.models import Campaign
from entries.services.privacy import set_do_not_sell
from monoql.admin_base import ServiceAdmin, admin_actor
from monoql.admin_paginator import EstimatedCountPaginator
from monoql.audit import AuditEntry
from monoql.console.team import team_panel_html, team_view
from monoql.console.views import dashboard_view, history_view, jobs_view
from monoql.errors import DomainError
from monoql.models import Erasure
from monoql.workflows.privacy import fan_data, queue_erasure, retry_erasure


def _dashboard_link(campaign) -> str:
    url = reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk])
    history = reverse("admin:campaigns_campaign_history_log", args=[campaign.pk])
    return format_html(
        '<a href="{}" class="dashboard-link">Open the dashboard</a> (registrations, funnel, demand, jobs) · '
        '<a href="{}" class="history-link">History</a> (who did what on this campaign)',
        url,
        history,
    )


register_campaign_panel(
    CampaignPanel(
        name="team",
        title="Team",
        render=team_panel_html,
        views=(("team/", team_view, "campaigns_campaign_team"),),
    )
)
register_campaign_panel(
    CampaignPanel(
        name="dashboard",
        title="Dashboard",
        render=_dashboard_link,
        views=(
            ("dashboard/", dashboard_view, "campaigns_campaign_dashboard"),
            ("dashboard/jobs.json", jobs_view, "campaigns_campaign_dashboard_jobs"),
            ("history-log/", history_view, "campaigns_campaign_history_log"),
        ),
    )
)


@admin.action(description="Mark doNotSell (clears their opt-ins; audited)")
def mark_do_not_sell(modeladmin, request, queryset):
    """Staff set ``doNotSell`` for the selected fans (``entries.services.privacy.set_do_not_sell``)."""
    for fan_id in queryset.values_list("pk", flat=True):
        set_do_not_sell(fan_id, True, actor=admin_actor(request))
    modeladmin.message_user(request, f"doNotSell set for {queryset.count()} fan(s); their opt-ins are cleared.")


@admin.action(description="Clear doNotSell (audited)")
def clear_do_not_sell(modeladmin, request, queryset):
    """Staff clear ``doNotSell`` for the selected fans."""
    for fan_id in queryset.values_list("pk", flat=True):
        set_do_not_sell(fan_id, False, actor=admin_actor(request))
    modeladmin.message_user(request, f"doNotSell cleared for {queryset.count()} fan(s).")


@admin.action(description="Download their data (JSON: GDPR art. 15 / CCPA)")
def download_fan_data(modeladmin, request, queryset):
    """One JSON file holding ``fan_data`` of each selected fan."""
    data = [fan_data(fan_id) for fan_id in queryset.values_list("pk", flat=True)]
    response = JsonResponse(data, safe=False, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="fan-data.json"'
    return response


@admin.action(description="Erase their data everywhere (cannot be undone; supreme only)")
def erase_fans(modeladmin, request, queryset):
    """Queue an erasure job per selected fan (``monoql.workflows.privacy.queue_erasure``) after a confirmation page
    naming them and what goes; supreme users and superusers only, as ``POST /api/privacy/erase``."""
    if not (request.user.is_superuser or is_supreme(getattr(request.user, "fan", None))):
        modeladmin.message_user(request, "Only supreme users may erase fans.", level=messages.ERROR)
        return None
    fans = list(queryset[:50])
    if request.POST.get("confirmed") != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase these fans' data everywhere?",
            "fans": fans,
            "more": queryset.count() - len(fans),
            "action": "erase_fans",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/fan/erase_confirmation.html", context)
    erasures = [queue_erasure(fan.pk, actor=admin_actor(request)) for fan in fans]
    url = reverse("admin:monoql_erasure_changelist")
    modeladmin.message_user(
        request,
        format_html('{} erasure(s) queued; <a href="{}">follow them in the erasures list</a>.', len(erasures), url),
    )
    return None


admin.site.unregister(Fan)


@admin.register(Fan)
class FanPrivacyAdmin(FanAdmin):
    """Root composition: the fan page with its privacy actions, which span accounts, entries and every file."""

    actions = [mark_do_not_sell, clear_do_not_sell, download_fan_data, erase_fans]


@admin.register(Erasure)
class ErasureAdmin(ServiceAdmin):
    """Erasure jobs (``monoql.workflows.privacy``), read-only: status, stage, attempts and what was removed; queued
    from the fans list (action "Erase their data everywhere") or ``POST /api/privacy/erase``. Supreme users and
    superusers only."""

    list_display = ["id", "status", "stage", "attempts", "actor_label", "channel", "removed", "date_created"]
    list_filter = ["status"]
    actions = ["retry_failed"]

    @admin.action(description="Retry the failed erasures (they go on from where they stopped)")
    def retry_failed(self, request, queryset):
        for erasure in queryset:
            try:
                retried = retry_erasure(erasure.pk, actor=admin_actor(request))
            except DomainError as error:
                messages.error(request, f"Erasure {erasure.pk}: {error.message}")
            else:
                messages.info(request, f"Erasure {erasure.pk} queued again ({retried.get_status_display().lower()}).")

    readonly_fields = [field.name for field in Erasure._meta.fields if field.name != "digests"]
    exclude = ["digests"]

    def has_add_permission(self, request):
        return False

    def has_module_permission(self, request):
        return bool(request.user.is_superuser) or is_supreme(getattr(request.user, "fan", None))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.display(description="removed")
    def removed(self, erasure):
        report = erasure.report or {}
        if not report:
            return "—"
        files = report.get("files")
        return (
            f"{report.get('entries', 0)} entries, {report.get('codesDetached', 0)} codes detached, "
            f"{len(files) if isinstance(files, list) else files or 0} files rewritten, "
            f"{report.get('exportFiles', 0)} export files removed"
        )


class AuditCampaignFilter(admin.SimpleListFilter):
    """The campaigns the rows shown name, by name (the log keeps only the id: a deleted campaign keeps its rows)."""

    title = "campaign"
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).exclude(campaign_id=None).values_list("campaign_id", flat=True)
        names = dict(Campaign.objects.filter(pk__in=ids.order_by().distinct()).values_list("pk", "name"))
        return sorted(((pk, name) for pk, name in names.items()), key=lambda pair: pair[1].lower())

    def queryset(self, request, queryset):
        return queryset.filter(campaign_id=self.value()) if self.value() else queryset


class AuditActorFilter(admin.SimpleListFilter):
    """Who acted: the staff members, jobs and commands of the rows shown."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        labels = model_admin.get_queryset(request).order_by().values_list("actor_label", flat=True).distinct()
        return [(label, label) for label in sorted(labels, key=str.lower)[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(actor_label=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(CampaignScopedAdmin):
    """The audit log (``monoql.audit``): one row per staff or system action, read-only. Staff scoped to campaigns see
    their campaigns' rows; superusers and supreme users see every row, the installation-wide ones too."""

    list_display = ["date_created", "action", "campaign_name", "actor_label", "actor_kind", "channel", "target", "what"]
    list_filter = [AuditCampaignFilter, AuditActorFilter, "channel", "actor_kind", "action"]
    search_fields = ["=campaign_id", "action", "actor_label", "target"]
    date_hierarchy = "date_created"
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="campaign")
    def campaign_name(self, entry):
        if not entry.campaign_id:
            return "—"
        return self._campaign_names.get(entry.campaign_id, f"{entry.campaign_id} (deleted)")

    @admin.display(description="what changed")
    def what(self, entry):
        return format_html_join(
            ", ", "{}: {}", ((key, _short(value)) for key, value in sorted((entry.changes or {}).items()))
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        ids = {row.campaign_id for row in changelist.result_list if row.campaign_id}
        self._campaign_names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name"))
        return changelist


def _short(value, limit: int = 80) -> str:
    """A change's value as one short line (lists of ids and long texts are cut)."""
    if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
        text = f"{value[0]!r} → {value[1]!r}"
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
