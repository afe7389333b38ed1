"""Export history per campaign, scheduling an export, download links (issue 7 item 6)."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from campaigns.admin import CampaignFilter, CampaignScopedAdmin
from exports.exporters import EXPORTERS
from exports.models import Export, ExportAccess, ExportStatus
from exports.services.exports import record_access, retry_export, schedule_export
from exports.services.files import signed_url
from monoql.admin_base import admin_actor
from monoql.errors import DomainError


class ScheduleExportForm(forms.ModelForm):
    """Add form: campaign, type and dateKey only; the service validates and queues."""

    export_type = forms.ChoiceField(choices=[(name, name) for name in sorted(EXPORTERS)])

    class Meta:
        model = Export
        fields = ["campaign", "export_type", "date_key", "include_all_markets"]
        labels = {"date_key": "Date key"}
        help_texts = {
            "date_key": "Means one of two things (issue 40): for the wave-prep exports (waitlist, masterCodes, "
            "scoring…) the wave prep's dateKey, as on its page; for codeWaves the UTC day the codes were assigned, "
            "YYYYMMDD. Leave empty for the others.",
        }

    def clean(self):
        cleaned = super().clean()
        exporter = EXPORTERS.get(cleaned.get("export_type"))
        if exporter is not None and cleaned.get("campaign") is not None:
            try:
                exporter().validate(cleaned["campaign"], (cleaned.get("date_key") or "").strip())
            except DomainError as error:
                self.add_error("date_key" if error.field == "dateKey" else None, error.message)
        return cleaned


@admin.register(Export)
class ExportAdmin(CampaignScopedAdmin):
    list_display = ["id", "export_type", "campaign", "date_key", "status", "result", "download", "date_created"]
    actions = ["retry_failed"]
    list_filter = ["status", "export_type", CampaignFilter]
    search_fields = ["=id", "=campaign__id", "campaign__name"]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign"]
    ordering = ["-date_created"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ScheduleExportForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [field.name for field in Export._meta.fields] + ["download"]

    def add_service(self, request, obj, form):
        """Schedule through ``schedule_export`` (the same as ``scheduleExport``); a running twin is shown instead."""
        export, created = schedule_export(
            campaign_id=obj.campaign_id,
            export_type=obj.export_type,
            date_key=obj.date_key,
            include_all_markets=obj.include_all_markets,
            actor=admin_actor(request),
        )
        obj.pk = export.pk
        obj._state.adding = False
        if not created:
            messages.info(request, "The same export is already queued; showing it.")

    @admin.display(description="result")
    def result(self, export):
        """Rows written, or the error in words."""
        if export.status in (ExportStatus.FAILED, ExportStatus.EXPIRED):
            return f"Failed: {export.error_message or 'it ran too long and expired'}"[:200]
        if export.status == ExportStatus.FINISHED:
            return f"{export.count if export.count is not None else 0} rows"
        return "queued" if export.status == ExportStatus.PENDING else "being written"

    @admin.action(description="Retry the failed exports (a new attempt each)")
    def retry_failed(self, request, queryset):
        """``retry_export`` for each selected export; others are named and left alone."""
        for export in queryset.select_related("campaign"):
            try:
                retry_export(export.pk, campaign_id=export.campaign_id, actor=admin_actor(request))
            except DomainError as error:
                messages.error(request, f"Export {export.pk} ({export.export_type}): {error.message}")
            else:
                messages.info(
                    request,
                    f"Export {export.pk} ({export.export_type} of {export.campaign.name}) queued again; the list "
                    "shows how it goes.",
                )

    @admin.display(description="download")
    def download(self, export):
        url = signed_url(export)
        return format_html('<a href="{}">download</a>', url) if url else "-"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        export = Export.objects.filter(pk=object_id).first()
        if export is not None:
            record_access(export.campaign_id, f"staff:{request.user.username}", "read", "admin", export)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ExportAccess)
class ExportAccessAdmin(CampaignScopedAdmin):
    list_display = ["date_created", "campaign", "export", "action", "requester_user_id", "channel"]
    list_filter = ["action", "channel", CampaignFilter]
    readonly_fields = [field.name for field in ExportAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
