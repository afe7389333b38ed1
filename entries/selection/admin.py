"""Admin pages for wave prep, selection and waves (issue 6 item 6), written through the selection services.

- Wave preps: the add form takes the run's files (markets, tm codes, non-tm codes) and switches, stores the
  files and queues the run; the list and the page show status, attempts, per-market counts and the zip
  download; the "apply selection" action queues selection for every market of a finished run.
- Waves: the add form takes the recipient CSV and config and schedules the wave; "cancel" removes
  scheduled waves; counts per channel are shown once sent.
Heavy work is always queued; the request only validates and records.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
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
from entries.selection.services.waves import cancel_wave, upload_wave
from monoql.admin_base import admin_actor
from monoql.audit import Actor
from monoql.errors import DomainError
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
        return [field.name for field in WavePrep._meta.fields] + ["markets_table", "download"]

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


class ScheduleWaveForm(forms.ModelForm):
    """Recipient CSV and config of a new wave (validated and stored by ``upload_wave``)."""

    #: Who schedules the wave (``monoql.audit.Actor``); bound per request by ``WaveAdmin``.
    actor: Actor

    file = forms.FileField(help_text="Registrant CSV (the sms/ or email/ files of a prepped zip upload as they are)")
    notify_date = forms.DateTimeField(help_text="UTC; at least one day ahead")
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all())

    class Meta:
        model = Wave
        fields = ["campaign", "total_limit", "category_id", "generate_offer_code", "tied_to_account", "single_use"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        upload = cleaned["file"]
        config = {
            "campaignId": cleaned["campaign"].pk,
            "notifyDate": cleaned["notify_date"].isoformat(),
            "totalLimit": cleaned.get("total_limit"),
            "categoryId": cleaned.get("category_id"),
            "generateOfferCode": cleaned.get("generate_offer_code"),
            "tiedToAccount": cleaned.get("tied_to_account"),
            "singleUse": cleaned.get("single_use"),
        }
        try:
            self.wave = upload_wave(
                stream=upload, declared_size=upload.size, file_name=upload.name, config=config, actor=self.actor
            )
        except DomainError as error:
            raise forms.ValidationError(f"{error.field or 'input'}: {error.message}") from error
        return cleaned

    def _post_clean(self):
        """``upload_wave`` validated and recorded the wave; the model form has nothing left to check."""


@admin.register(Wave)
class WaveAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "status", "date_notify", "rows", "sent", "failed"]
    list_filter = ["status", CampaignFilter]
    list_select_related = ["campaign"]
    actions = ["cancel"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type("ScheduleWaveFormFor", (ScheduleWaveForm,), {"actor": admin_actor(request)})
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [field.name for field in Wave._meta.fields]

    def add_service(self, request, obj, form):
        """The form's validation already ran ``upload_wave`` (the wave is scheduled): show it."""
        obj.pk = form.wave.pk
        obj._state.adding = False

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
