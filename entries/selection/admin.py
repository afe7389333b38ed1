"""Admin pages for wave prep, selection and waves (issue 6 item 6), written through the selection services.

- Wave preps: the add form takes the run's files (markets, tm codes, non-tm codes) and switches, stores the
  files and queues the run; the list and the page show status, attempts, per-market counts and the zip
  download; the "apply selection" action queues selection for every market of a finished run.
- Waves: the add form takes the recipient CSV and config and schedules the wave; "cancel" removes
  scheduled waves; counts per channel are shown once sent.
Heavy work is always queued; the request only validates and records.
"""

import csv
import uuid

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from campaigns.admin import CampaignFilter, CampaignPanel, CampaignScopedAdmin, register_campaign_panel
from campaigns.models import Campaign, Market
from entries.selection.models import Wave, WavePrep, WavePrepFile
from entries.selection.selectors import selection_preview
from entries.selection.services.selection import selection_email, trigger_selection
from entries.selection.services.wave_prep import MAX_SEED, retry_wave_prep, trigger_wave_prep
from entries.selection.services.wave_prep_files import upload_wave_prep_file
from entries.selection.services.waves import cancel_wave, preview_wave, upload_wave
from monoql.admin_base import admin_actor
from monoql.audit import Actor
from monoql.core_reasons import CoreReason
from monoql.errors import DomainError
from monoql.jobs import counts_in_words
from monoql.storage import signed_key_url


class TriggerWavePrepForm(forms.ModelForm):
    """Files and switches of a new run; the services validate everything before anything is queued."""

    #: Who requests the run (``monoql.audit.Actor``); bound per request by ``WavePrepAdmin``.
    actor: Actor

    markets_file = forms.FileField(required=False, help_text="CSV: market_id,limit[,link,code_type]")
    tm_codes_file = forms.FileField(required=False, help_text="One code per line[, market_id]")
    non_tm_codes_file = forms.FileField(required=False, help_text="One code per line[, market_id]")
    reassign = forms.BooleanField(required=False)
    order_by_preference = forms.BooleanField(required=False)
    single_market = forms.BooleanField(required=False)
    random_selection = forms.BooleanField(required=False)
    min_score = forms.FloatField(required=False, min_value=0, max_value=1)
    max_score = forms.FloatField(required=False, min_value=0, max_value=1)
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="Replay a recorded lottery: the seed shown on an earlier run (empty: a fresh random seed).",
    )

    class Meta:
        model = WavePrep
        fields = ["campaign", "date_key"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            for field, file_type in (
                ("markets_file", "markets"),
                ("tm_codes_file", "tmCodes"),
                ("non_tm_codes_file", "nonTmCodes"),
            ):
                upload = cleaned.get(field)
                if upload:
                    upload_wave_prep_file(
                        campaign_id=cleaned["campaign"].pk,
                        date_key=cleaned["date_key"],
                        file_type=file_type,
                        stream=upload,
                        declared_size=upload.size,
                        file_name=upload.name,
                        actor=self.actor,
                    )
            self.wave_prep = trigger_wave_prep(
                campaign_id=cleaned["campaign"].pk,
                date_key=cleaned["date_key"],
                reassign=cleaned.get("reassign"),
                order_by_preference=cleaned.get("order_by_preference"),
                single_market=cleaned.get("single_market"),
                random_selection=cleaned.get("random_selection"),
                min_score=cleaned.get("min_score"),
                max_score=cleaned.get("max_score"),
                seed=cleaned.get("seed"),
                actor=self.actor,
            )
        except DomainError as error:
            raise forms.ValidationError(f"{error.field or 'input'}: {error.message}") from error
        return cleaned

    def _post_clean(self):
        """The services validated and recorded the run; the model form has nothing left to check."""


@admin.register(WavePrep)
class WavePrepAdmin(CampaignScopedAdmin):
    list_display = ["campaign", "date_key", "status", "attempts", "selected", "waitlisted", "date_finished", "download"]
    list_filter = ["status", CampaignFilter]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign"]
    actions = ["apply_selection", "retry_failed"]

    @admin.action(description="Retry the failed wave preps (same files, switches and seed)")
    def retry_failed(self, request, queryset):
        """``retry_wave_prep`` for each selected run; others are named and left alone."""
        for run in queryset.select_related("campaign"):
            try:
                retry_wave_prep(run.pk, actor=admin_actor(request))
            except DomainError as error:
                messages.error(request, f"Wave prep '{run.date_key}' of {run.campaign.name}: {error.message}")
            else:
                messages.info(
                    request, f"Wave prep '{run.date_key}' of {run.campaign.name} queued again (seed {run.seed})."
                )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            bound = {"actor": admin_actor(request)}
            kwargs["form"] = type("TriggerWavePrepFormFor", (TriggerWavePrepForm,), bound)
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        raw = {"count", "params", "progress"}  # shown in words below, never as JSON
        shown = [field.name for field in WavePrep._meta.fields if field.name not in raw]
        return [*shown, "switches", "stage", "markets_table", "download"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        return self.get_readonly_fields(request, obj)

    @admin.display(description="switches")
    def switches(self, wave_prep):
        """The run's switches in words."""
        params = wave_prep.params or {}
        on = [name for name in ("reassign", "orderByPreference", "singleMarket", "randomSelection") if params.get(name)]
        bounds = [f"{name} {params[name]}" for name in ("minScore", "maxScore") if params.get(name) is not None]
        return ", ".join(on + bounds) or "none"

    @admin.display(description="stage")
    def stage(self, wave_prep):
        progress = wave_prep.progress or {}
        if not progress:
            return "-"
        return f"{progress.get('stage', '')} (step {progress.get('step', '?')} of {progress.get('steps', '?')})"

    def add_service(self, request, obj, form):
        """The form's validation already ran ``upload_wave_prep_file`` and ``trigger_wave_prep``: show the run."""
        obj.pk = form.wave_prep.pk
        obj._state.adding = False
        run = form.wave_prep
        messages.info(request, f"Wave prep {run.date_key} for {run.campaign.name} queued (seed {run.seed}).")
        if run.replay_of:
            messages.warning(request, f"Replay of '{run.replay_of['dateKey']}': {run.replay_of['note']}")

    @admin.display(description="selected")
    def selected(self, wave_prep):
        return (wave_prep.count or {}).get("selected")

    @admin.display(description="waitlisted")
    def waitlisted(self, wave_prep):
        return (wave_prep.count or {}).get("waitlisted")

    @admin.display(description="zip")
    def download(self, wave_prep):
        url = signed_key_url(wave_prep.path) if wave_prep.path else None
        return format_html('<a href="{}">prepped.{}.zip</a>', url, wave_prep.date_key) if url else "-"

    @admin.display(description="per market")
    def markets_table(self, wave_prep):
        markets = (wave_prep.count or {}).get("markets") or []
        if not markets:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (m["name"], m.get("limit"), m.get("capacity"), m["eligible"], m["selected"], m["waitlisted"])
                for m in markets
            ),
        )
        header = mark_safe(  # noqa: S308 - constant markup
            "<tr><th>market</th><th>limit</th><th>capacity</th><th>eligible</th><th>selected</th><th>waitlisted</th></tr>"
        )
        return format_html("<table>{}{}</table>", header, rows)

    @admin.action(description="Apply selection to every market of the selected (finished) wave preps…")
    def apply_selection(self, request, queryset):
        """A preview first (fans per market and channel, the message they get, what cannot be undone); selection
        runs only after an explicit confirm. ``triggerSelection`` (GraphQL) keeps answering at once: contract."""
        runs = list(queryset.select_related("campaign")[:10])
        if request.POST.get("confirmed") != "yes":
            previews = []
            for run in runs:
                markets = selection_preview(run)
                first = next((market for market in markets if market["email"]), None)
                message = selection_email(run.campaign.name, first["name"], "fan@example.com") if first else None
                previews.append(
                    {
                        "run": run,
                        "markets": markets,
                        "selected": sum(market["selected"] for market in markets),
                        "emails": sum(market["email"] for market in markets),
                        "message": message,
                    }
                )
            context = {
                **self.admin_site.each_context(request),
                "title": "Apply selection: check what fans will get",
                "opts": self.model._meta,
                "previews": previews,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/selection/confirm_selection.html", context)
        for wave_prep in runs:
            market_ids = [market["id"] for market in (wave_prep.count or {}).get("markets", [])]
            try:
                trigger_selection(campaign_id=wave_prep.campaign_id, market_ids=market_ids, actor=admin_actor(request))
                messages.info(
                    request,
                    f"Selection of {len(market_ids)} market(s) of {wave_prep.campaign.name} from wave prep "
                    f"'{wave_prep.date_key}' queued: codes are assigned, then the selected fans are emailed.",
                )
            except DomainError as error:
                messages.error(request, f"{wave_prep.date_key}: {error.message}")
        return None


@admin.register(WavePrepFile)
class WavePrepFileAdmin(CampaignScopedAdmin):
    list_display = ["campaign", "date_key", "type", "name", "rows", "date_updated"]
    list_filter = ["type", CampaignFilter]
    readonly_fields = [field.name for field in WavePrepFile._meta.fields]

    def has_add_permission(self, request):
        return False


class ScheduleWaveForm(forms.Form):
    """Recipient CSV and config of a new wave; checked and previewed (``preview_wave``) before it is scheduled
    (``upload_wave``) on an explicit confirm."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all())
    file = forms.FileField(help_text="Registrant CSV (the sms/ or email/ files of a prepped zip upload as they are)")
    notify_date = forms.DateTimeField(help_text="UTC; at least one day ahead")
    total_limit = forms.IntegerField(required=False, min_value=0)
    category_id = forms.IntegerField(required=False)
    generate_offer_code = forms.BooleanField(required=False)
    tied_to_account = forms.BooleanField(required=False)
    single_use = forms.BooleanField(required=False)

    def config(self) -> dict:
        """``WaveConfigInput`` of the cleaned form."""
        cleaned = self.cleaned_data
        return {
            "campaignId": cleaned["campaign"].pk,
            "notifyDate": cleaned["notify_date"].isoformat(),
            "totalLimit": cleaned.get("total_limit"),
            "categoryId": cleaned.get("category_id"),
            "generateOfferCode": cleaned.get("generate_offer_code"),
            "tiedToAccount": cleaned.get("tied_to_account"),
            "singleUse": cleaned.get("single_use"),
        }


#: The signed hidden value carrying a previewed wave's stored file and config to the confirm (``WaveAdmin``).
_PENDING_SALT = "monoql.wave-preview"
PENDING_SECONDS = 3600


@admin.register(Wave)
class WaveAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "status", "date_notify", "rows", "sent", "failed"]
    list_filter = ["status", CampaignFilter]
    list_select_related = ["campaign"]
    actions = ["cancel"]

    def get_readonly_fields(self, request, obj=None):
        return [*(field.name for field in Wave._meta.fields if field.name != "count"), "result"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="result")
    def result(self, wave):
        """What the send did, in words (per channel), or its error."""
        return counts_in_words(wave.count, wave.error) or "-"

    def add_service(self, request, obj, form):
        """Never reached: ``add_view`` schedules through ``upload_wave`` after the preview's confirm."""
        raise DomainError("Schedule a wave from its preview.", code="FORBIDDEN", reason=CoreReason.READ_ONLY)

    def add_view(self, request, form_url="", extra_context=None):
        """Schedule a wave in two steps: the form is checked and previewed (recipients per channel and market, the
        message itself, when it goes) with nothing scheduled; ``upload_wave`` runs only on the confirm, which
        carries the stored file and config as a signed value (``PENDING_SECONDS``)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ScheduleWaveForm(request.POST or None, request.FILES or None)
        preview = pending = None
        if request.method == "POST" and request.POST.get("confirmed") == "yes":
            return self._schedule_previewed(request)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            key = default_storage.save(f"waves/pending/{uuid.uuid4().hex}.csv", upload)
            try:
                with default_storage.open(key, "rb") as handle:
                    preview = preview_wave(
                        stream=handle, declared_size=None, file_name=upload.name, config=form.config()
                    )
            except DomainError as error:
                default_storage.delete(key)
                form.add_error(None, f"{error.field or 'input'}: {error.message}")
            else:
                value = {"key": key, "fileName": upload.name, "config": form.config()}
                pending = signing.dumps(value, salt=_PENDING_SALT, compress=True)
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule a wave" if preview is None else "Schedule a wave: check what fans will get",
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "pending": pending,
        }
        return TemplateResponse(request, "admin/selection/wave/schedule.html", context)

    def _schedule_previewed(self, request):
        try:
            value = signing.loads(request.POST.get("pending", ""), salt=_PENDING_SALT, max_age=PENDING_SECONDS)
        except signing.BadSignature:
            messages.error(request, "This preview is too old or damaged; upload the file again.")
            return redirect("admin:selection_wave_add")
        try:
            with default_storage.open(value["key"], "rb") as handle:
                wave = upload_wave(
                    stream=handle,
                    declared_size=None,
                    file_name=value["fileName"],
                    config=value["config"],
                    actor=admin_actor(request),
                )
        except (DomainError, FileNotFoundError) as error:
            messages.error(request, f"Not scheduled: {getattr(error, 'message', 'the previewed file is gone')}")
            return redirect("admin:selection_wave_add")
        default_storage.delete(value["key"])
        messages.success(
            request,
            f"Wave “{wave.name}” scheduled for {wave.date_notify:%Y-%m-%d %H:%M} UTC: {wave.rows} recipient(s).",
        )
        return redirect("admin:selection_wave_change", wave.pk)

    @admin.display(description="sent")
    def sent(self, wave):
        return (wave.count or {}).get("ok")

    @admin.display(description="failed")
    def failed(self, wave):
        return (wave.count or {}).get("failed")

    @admin.action(description="Cancel the selected scheduled waves")
    def cancel(self, request, queryset):
        for wave in queryset:
            try:
                cancel_wave(campaign_id=wave.campaign_id, file_name=wave.name, actor=admin_actor(request))
                messages.info(request, f"Wave {wave.name} cancelled.")
            except DomainError as error:
                messages.error(request, f"{wave.name}: {error.message}")


def markets_template(model_admin, request, campaign_id):
    """The markets file of a wave prep, filled in for the campaign: one line per market with its id, its
    population as the limit, its link, and its name (a column the upload ignores, for the person editing)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not model_admin.has_view_permission(request, campaign):
        raise Http404("No such campaign.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="markets-{campaign.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["market_id", "limit", "link", "code_type", "market_name"])
    for market in Market.objects.filter(campaign=campaign).order_by("event_date", "name"):
        writer.writerow([market.pk, market.population or 0, market.event_link, "", market.name])
    return response


def _wave_prep_panel(campaign) -> str:
    runs = WavePrep.objects.filter(campaign=campaign).order_by("-date_created")[:5]
    rows = format_html_join(
        "",
        "<li>{} — {} ({})</li>",
        ((run.date_key, run.status, run.date_created.strftime("%Y-%m-%d %H:%M")) for run in runs),
    )
    template = reverse("admin:campaigns_campaign_markets_template", args=[campaign.pk])
    new = reverse("admin:selection_waveprep_add")
    return format_html(
        '<p><a href="{}">Download the markets file for a wave prep</a> (ids, limits and names filled in) · '
        '<a href="{}">New wave prep</a></p><ul>{}</ul>',
        template,
        new,
        rows,
    )


register_campaign_panel(
    CampaignPanel(
        name="wave_preps",
        title="Wave preps",
        render=_wave_prep_panel,
        views=(("markets-template/", markets_template, "campaigns_campaign_markets_template"),),
    )
)
