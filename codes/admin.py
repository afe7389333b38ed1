"""Code inventory admin: search by code, the audit trail, and the upload form + counts on the campaign page."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from campaigns.admin import CampaignFilter, CampaignPanel, CampaignScopedAdmin, register_campaign_panel
from campaigns.models import Campaign
from codes.models import Code, CodeAudit, CodeType, CodeUpload, CodeUploadStatus
from codes.services.inventory import count_codes
from codes.services.upload_jobs import queue_code_upload, retry_code_upload, retryable
from monoql.admin_base import admin_actor
from monoql.admin_paginator import EstimatedCountPaginator
from monoql.errors import DomainError


@admin.register(Code)
class CodeAdmin(CampaignScopedAdmin):
    """Codes are written by uploads, reserve, assign and release (``codes.services``): read-only here."""

    list_display = ["code", "campaign", "type", "date_saved", "date_reserved", "date_assigned", "reserve_id"]
    list_filter = ["type", CampaignFilter]
    search_fields = ["=code", "=reserve_id", "=campaign__id"]
    raw_id_fields = ["campaign", "market", "entry", "fan"]
    list_select_related = ["campaign"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    readonly_fields = ["date_saved", "date_reserved", "date_assigned", "reserve_id"]


@admin.register(CodeAudit)
class CodeAuditAdmin(CampaignScopedAdmin):
    list_display = [
        "date_created",
        "campaign",
        "action",
        "type",
        "actor_label",
        "actor",
        "requested",
        "changed",
        "reserve_id",
    ]
    list_filter = ["action", "type", CampaignFilter]
    search_fields = ["=campaign__id", "actor_label", "=reserve_id"]
    raw_id_fields = ["campaign", "actor"]
    list_select_related = ["campaign", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CodeUploadForm(forms.Form):
    """The campaign page's code upload form."""

    type = forms.ChoiceField(choices=CodeType.choices)
    file = forms.FileField(help_text="CSV: one code per line (first column), optional 'code' header.")


def code_inventory_html(campaign) -> str:
    """HTML table of the campaign's code counts per type and status, with the upload link."""
    rows = []
    for code_type in CodeType.values:
        counts = count_codes(campaign.pk, code_type)
        rows.append((code_type, counts["available"], counts["reserved"], counts["assigned"]))
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    upload = reverse("admin:campaigns_campaign_upload_codes", args=[campaign.pk])
    audit = reverse("admin:codes_codeaudit_changelist") + f"?campaign__id={campaign.pk}"
    jobs = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                job.file_name or job.file_key.rsplit("/", 1)[-1],
                job.type,
                job.status,
                format_html(
                    '{} <a href="{}" class="retry-link">Retry</a>',
                    _job_summary(job),
                    reverse("admin:campaigns_campaign_retry_code_upload", args=[campaign.pk, job.pk]),
                )
                if retryable(job)
                else _job_summary(job),
            )
            for job in CodeUpload.objects.filter(campaign=campaign)[:5]
        ),
    )
    return format_html(
        "<table><tr><th>type</th><th>available</th><th>reserved</th><th>assigned</th></tr>{}</table>"
        '<p><a href="{}">Upload codes</a> · <a href="{}">Audit trail</a></p>'
        "{}",
        body,
        upload,
        audit,
        format_html(
            '<table class="code-uploads"><caption>Latest uploads</caption>'
            "<tr><th>file</th><th>type</th><th>status</th><th>progress</th></tr>{}</table>",
            jobs,
        )
        if jobs
        else "",
    )


def _job_summary(job) -> str:
    """One line a campaign manager reads about an upload job: queued, codes read so far, counts or the error."""
    if job.status == CodeUploadStatus.FINISHED:
        count = job.count or {}
        return (
            f"{count.get('in', 0)} codes read: {count.get('inserted', 0)} new, {count.get('updated', 0)} already there."
        )
    if job.status == CodeUploadStatus.FAILED:
        return f"Failed: {(job.error or {}).get('message', 'unknown error')}"
    if job.status == CodeUploadStatus.TRIGGERED:
        return f"Storing: {job.rows_read} codes read so far ({job.size} bytes in all)."
    return f"Queued ({job.size} bytes)."


def upload_codes_view(model_admin, request, campaign_id):
    """Admin view: upload a code file into one of the campaign's pools."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if not model_admin.has_change_permission(request, campaign):
        return redirect("admin:index")
    form = CodeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actor = admin_actor(request)
        upload = form.cleaned_data["file"]
        try:
            job = queue_code_upload(
                campaign.pk,
                form.cleaned_data["type"],
                upload,
                actor=actor,
                declared_size=upload.size,
                file_name=upload.name,
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            if job.status == CodeUploadStatus.FAILED:
                form.add_error("file", (job.error or {}).get("message") or "The upload failed.")
        if form.is_valid():
            messages.success(request, f"{upload.name}: {_job_summary(job)} Its progress shows under Code inventory.")
            return redirect("admin:campaigns_campaign_change", campaign.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Upload codes: {campaign.name}",
        "form": form,
        "campaign": campaign,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/codes/upload_codes.html", context)


def retry_code_upload_view(model_admin, request, campaign_id, upload_id):
    """Admin view: a failed code upload run again on its kept file, after a confirmation (``retry_code_upload``)."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if not model_admin.has_change_permission(request, campaign):
        return redirect("admin:index")
    back = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    if request.method == "POST":
        try:
            job = retry_code_upload(campaign.pk, upload_id, actor=admin_actor(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.info(request, f"{job.file_name or 'The upload'}: retried — {_job_summary(job)}")
        return redirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Retry a code upload: {campaign.name}",
        "question": "Read this failed code file again? Codes already stored are not stored twice.",
        "confirm_label": "Yes, retry the upload",
        "back_url": back,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/console/confirm.html", context)


register_campaign_panel(
    CampaignPanel(
        name="code_inventory",
        title="Code inventory",
        render=code_inventory_html,
        views=(
            ("codes/upload/", upload_codes_view, "campaigns_campaign_upload_codes"),
            ("codes/uploads/<int:upload_id>/retry/", retry_code_upload_view, "campaigns_campaign_retry_code_upload"),
        ),
    )
)
