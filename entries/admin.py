"""Entry admin, usable on large tables: no full count, joined list rows, raw-id widgets; filters by
campaign, market (any rank), phone confirmation, verdict and tag; bulk block/allow; invite lists."""

from django import forms
from django.contrib import admin, messages
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from accounts.permissions import is_supreme
from campaigns.admin import CampaignFilter, CampaignPanel, CampaignScopedAdmin, MarketAdminBase, register_campaign_panel
from campaigns.models import Campaign, Market
from entries.metrics import entries_by_market_preference, verified_count_by_market
from entries.models import (
    ENTRY_SCORE,
    MARKET_RANK_FIELDS,
    BlacklistEntry,
    BotScore,
    DoNotSellChange,
    Entry,
    FanFileKind,
    FanFileUpload,
    Invite,
    MailDomain,
    ScoredFile,
    ScoreRun,
    ScoreRunKind,
    Stat,
    UploadStatus,
)
from entries.scoring_selectors import score_explanation
from entries.selectors import any_rank, entry_search
from entries.services.bot_signals import band
from entries.services.fan_files import queue_fan_file, retry_fan_file
from entries.services.fan_files import retryable as fan_file_retryable
from entries.services.live_score import queue_score_run, retry_score_run
from entries.services.mail_domains import add_mail_domain, remove_mail_domain
from entries.services.markets import delete_market
from entries.services.verdicts import set_verdicts
from monoql.admin_base import ServiceAdmin, admin_actor
from monoql.admin_paginator import EstimatedCountPaginator
from monoql.errors import DomainError


class MarketFilter(admin.SimpleListFilter):
    """Entries that chose a market at any rank (markets of the campaign filtered on, else none listed)."""

    title = "market (any rank)"
    parameter_name = "market"

    def lookups(self, request, model_admin):
        campaign_id = request.GET.get("campaign__id__exact")
        if not campaign_id:
            return []
        return [(m.pk, m.name) for m in Market.objects.filter(campaign_id=campaign_id).order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(any_rank([self.value()])) if self.value() else queryset


class ConfirmedFilter(admin.SimpleListFilter):
    title = "phone confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(date_phone_confirmed__isnull=False)
        if self.value() == "no":
            return queryset.filter(date_phone_confirmed__isnull=True)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Entries carrying a tag (tags seen in the filtered campaign's latest 5,000 tagged entries)."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        campaign_id = request.GET.get("campaign__id__exact")
        if not campaign_id:
            return []
        names = set()
        rows = Entry.objects.filter(campaign_id=campaign_id).exclude(tags={}).order_by("-pk").values_list("tags")[:5000]
        for (tags,) in rows:
            names.update(tags or {})
        return [(name, name) for name in sorted(names)]

    def queryset(self, request, queryset):
        return queryset.filter(tags__has_key=self.value()) if self.value() else queryset


@admin.register(Entry)
class EntryAdmin(CampaignScopedAdmin):
    """Entries are written by fans (``upsertViewerEntry``) and scoring: read-only here, verdicts by action."""

    list_display = ["id", "email", "phone", "market_0", "ranked_score", "verdict", "confirmed", "campaign"]
    list_select_related = ["campaign", "market_0"]
    list_filter = [CampaignFilter, MarketFilter, ConfirmedFilter, "verdict", TagFilter]
    search_fields = ["email"]  # the search box; what a term matches is ``entry_search`` (get_search_results)
    search_help_text = (
        "An email or its beginning (fan.a), a phone as typed ((212) 555-0101), an entry id, a fan id, globalUserId or "
        "memberId; with a campaign chosen in the filter, a first or last name too."
    )
    raw_id_fields = ["campaign", "fan", *MARKET_RANK_FIELDS]
    readonly_fields = [
        "date_created",
        "date_updated",
        "date_receipt",
        "random_score",
        "score_band",
        "score_explanation",
    ]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-id"]
    actions = ["block", "allow"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ranked_score=ENTRY_SCORE, bot=F("bot_score__score"))

    def get_search_results(self, request, queryset, search_term):
        """Search through ``entries.selectors.entry_search`` (indexed: email prefix, E.164 phone, ids), names only
        inside a chosen campaign; never a scan of every entry of every campaign."""
        term = search_term.strip()
        if not term:
            return queryset, False
        campaign_id = request.GET.get("campaign__id__exact") or None
        return queryset.filter(entry_search(term, campaign_id=campaign_id)), False

    @admin.display(description="phone confirmed", boolean=True, ordering="date_phone_confirmed")
    def confirmed(self, entry):
        return entry.date_phone_confirmed is not None

    @admin.display(description="score", ordering="ranked_score")
    def ranked_score(self, entry):
        """The score the entry is ranked by: an uploaded file's where one scored it, else the bot score."""
        return "—" if entry.ranked_score is None else entry.ranked_score

    @admin.display(description="score band")
    def score_band(self, entry):
        if entry.scored_by == "upload":
            bot = "" if entry.bot is None else f"; the bot score says {entry.bot} ({band(entry.bot)})"
            return f"{band(entry.score)}: {entry.score} (scored by an uploaded scored file{bot})"
        if entry.bot is None:
            return f"{band(None)} (scored by nobody yet)"
        return f"{band(entry.bot)}: {entry.bot} (scored by the bot score)"

    @admin.display(description="why this score")
    def score_explanation(self, entry):
        """The bot score's contributions (signal → what it saw → points taken off 1.0), largest first."""
        rows = score_explanation(entry.pk)
        if not rows:
            return "Nothing took points off." if entry.bot is not None else "Not scored by the bot score yet."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>−{}</td></tr>",
            ((row["signal"], row["value"], row["points"]) for row in rows),
        )
        header = mark_safe("<tr><th>signal</th><th>what it saw</th><th>points</th></tr>")
        return format_html('<table class="score-explanation">{}{}</table>', header, body)

    @admin.action(description="Block selected entries (verdict false: kept, never selected)")
    def block(self, request, queryset):
        changed = set_verdicts(list(queryset.values_list("pk", flat=True)), False, actor=admin_actor(request))
        self.message_user(request, f"{changed} entries blocked.", messages.SUCCESS)

    @admin.action(description="Allow selected entries (verdict true)")
    def allow(self, request, queryset):
        changed = set_verdicts(list(queryset.values_list("pk", flat=True)), True, actor=admin_actor(request))
        self.message_user(request, f"{changed} entries allowed.", messages.SUCCESS)


@admin.register(Invite)
class InviteAdmin(CampaignScopedAdmin):
    """Invite lists are uploaded (``uploadInvites``, ``entries.services.invites``): read-only here."""

    list_display = ["campaign", "identifier_type", "value", "date_created"]
    list_filter = ["identifier_type", CampaignFilter]
    search_fields = ["=value"]
    raw_id_fields = ["campaign"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ServiceAdmin):
    """The blacklist is uploaded as a file (``uploadBlacklist``): read-only here."""

    list_display = ["value", "kind", "source", "date_created"]
    list_filter = ["kind"]
    search_fields = ["=value"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScoredFile)
class ScoredFileAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "status", "rows", "matched", "unmatched", "verified", "date_created"]
    list_filter = ["status", CampaignFilter]
    readonly_fields = [f.name for f in ScoredFile._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Stat)
class StatAdmin(CampaignScopedAdmin):
    list_display = ["campaign", "type", "date_id", "market_id", "status", "date_updated"]
    list_filter = ["type", "status", CampaignFilter]
    raw_id_fields = ["campaign"]


def market_counts_html(campaign) -> str:
    """HTML table of a campaign's registrations per market: entries by preference rank and verified fans."""
    names = dict(Market.objects.filter(campaign=campaign).values_list("pk", "name"))
    verified = {row["id"]: row["count"] for row in verified_count_by_market(campaign)}
    rows = [
        (names.get(row["id"], row["id"]), *row["counts"], sum(row["counts"]), verified.get(row["id"], 0))
        for row in entries_by_market_preference(campaign)
    ]
    if not rows:
        return "No entries yet."
    body = format_html_join("", "<tr>" + "<td>{}</td>" * 7 + "</tr>", sorted(rows))
    return format_html(
        '<table class="market-counts"><tr><th>Market</th><th>1st</th><th>2nd</th><th>3rd</th><th>4th</th>'
        "<th>Total</th><th>Verified</th></tr>{}</table>",
        body,
    )


@admin.register(Market)
class MarketAdmin(MarketAdminBase):
    """The market page: saves through ``save_market``; the delete moves no choice silently — a market that
    fans chose is refused (``MARKET_HAS_ENTRIES``) unless moved with ``deleteMarket(transferMarketId)``."""

    def delete_service(self, request, market):
        delete_market(market.campaign_id, market.pk, actor=admin_actor(request))


register_campaign_panel(CampaignPanel(name="registrations_by_market", title="Registrations", render=market_counts_html))


@admin.register(DoNotSellChange)
class DoNotSellChangeAdmin(ServiceAdmin):
    """The audit of fans' doNotSell flag (who, when, which door): written by ``set_do_not_sell`` only."""

    list_display = ["fan_ref", "do_not_sell", "actor_label", "channel", "entries_cleared", "date_created"]
    list_filter = ["do_not_sell", "channel"]
    search_fields = ["=fan_ref"]


@admin.register(MailDomain)
class MailDomainAdmin(ServiceAdmin):
    """Staff's mail domains for the bot score: disposable (beside the package's list) or blocked (verdict false)."""

    list_display = ["domain", "rule", "note", "date_created"]
    list_filter = ["rule"]
    search_fields = ["domain"]

    def add_service(self, request, listed, form):
        listed.pk = add_mail_domain(listed.domain, listed.rule, note=listed.note, actor=admin_actor(request)).pk

    def delete_service(self, request, listed):
        remove_mail_domain(listed.pk, actor=admin_actor(request))


def _bot_score_panel(campaign) -> str:
    url = reverse("admin:campaigns_campaign_bot_score", args=[campaign.pk])
    return format_html(
        'Scored when the campaign closes; each entry\'s page says why. <a href="{}">Bot score: score again</a>', url
    )


def bot_score_view(model_admin, request, campaign_id):
    """The bot score of a campaign: how many entries carry it; ``POST`` queues it again (a job: a campaign of
    millions is not scored in a request)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not model_admin.has_change_permission(request, campaign):
        return redirect("admin:campaigns_campaign_changelist")
    if request.method == "POST":
        retry = request.POST.get("retry")
        try:
            if retry:
                run = retry_score_run(int(retry) if retry.isdigit() else 0, actor=admin_actor(request))
            else:
                run = queue_score_run(campaign.pk, kind=ScoreRunKind.RESCORE, actor=admin_actor(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.info(
                request,
                f"The bot score of {campaign.name} is {run.get_status_display().lower()}; the runs below and the "
                "dashboard show how it goes.",
            )
        return redirect("admin:campaigns_campaign_bot_score", campaign.pk)
    entries = Entry.objects.filter(campaign=campaign)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Bot score: {campaign.name}",
        "campaign": campaign,
        "total": entries.count(),
        "scored": BotScore.objects.filter(entry__campaign=campaign).count(),
        "uploaded": entries.filter(scored_by="upload").count(),
        "runs": ScoreRun.objects.filter(campaign=campaign).order_by("-date_created")[:10],
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/entries/bot_score.html", context)


register_campaign_panel(
    CampaignPanel(
        name="bot_score",
        title="Bot score",
        render=_bot_score_panel,
        views=(("bot-score/", bot_score_view, "campaigns_campaign_bot_score"),),
    )
)


#: The campaign page's fan-list uploads: kind → (title, help text, who may upload: "write" on the campaign or
#: "supreme" for the blacklist, which blocks fans in every campaign, as ``uploadBlacklist``).
UPLOAD_KINDS = {
    "scored": (
        "a scored file",
        "CSV with a header: the campaign's identifier column (globalUserId, memberId or email), 'score' (0–1) and an "
        "optional 'verdict' (true/false). Matched to the entries in a job; the counts show below once done.",
        "write",
    ),
    "invites": (
        "an invite list",
        "CSV with the column of the identifier the campaign's inviteOnly gate uses (memberId, globalUserId or email). "
        "Lists only grow.",
        "write",
    ),
    "fanlist": (
        "a fanlist",
        "CSV of identifiers and ranks for a fanlist campaign (the campaign's scoring says raw 0–1 or xnum ≥ 1).",
        "write",
    ),
    "blacklist": (
        "the blacklist (every campaign)",
        "One email address or phone number per line. Entries with them are never selected, in any campaign. "
        "Supreme users only.",
        "supreme",
    ),
}


class FanFileForm(forms.Form):
    """One CSV file to upload (the campaign page's fan-list uploads)."""

    file = forms.FileField(label="CSV file")


def _may_upload(model_admin, request, campaign, kind: str) -> bool:
    if UPLOAD_KINDS[kind][2] == "supreme":
        return bool(request.user.is_superuser) or is_supreme(getattr(request.user, "fan", None))
    return model_admin.has_change_permission(request, campaign)


def _job_summary(job: FanFileUpload) -> str:
    """One line about a fan-file job: queued, reading, its counts in words, or its error."""
    if job.status == UploadStatus.FINISHED:
        return job.summary
    if job.status == UploadStatus.FAILED:
        return f"Failed: {job.summary}"
    if job.status == UploadStatus.PROCESSING:
        return f"Reading the file ({job.size} bytes)…"
    return f"Queued ({job.size} bytes); this page shows the counts when it is read."


def _scored_summary(scored: ScoredFile) -> str:
    if scored.status == UploadStatus.FINISHED:
        return (
            f"{scored.rows} rows read: {scored.matched} matched entries ({scored.verified} verified), "
            f"{scored.unmatched} matched nobody."
        )
    if scored.status == UploadStatus.FAILED:
        return f"Failed: {scored.error}"
    return f"{scored.rows} rows read; matching them to the entries ({scored.get_status_display().lower()})."


def fan_files_html(campaign) -> str:
    """The campaign page's "Fan lists and scores" section: upload links and the latest uploads with their counts."""
    links = format_html_join(
        " · ",
        '<a href="{}">Upload {}</a>',
        (
            (reverse("admin:campaigns_campaign_upload_fan_file", args=[campaign.pk, kind]), title)
            for kind, (title, _, _) in UPLOAD_KINDS.items()
        ),
    )
    rows = [
        (scored.date_created, "scored file (matching)", scored.name, _scored_summary(scored))
        for scored in ScoredFile.objects.filter(campaign=campaign).order_by("-date_created")[:5]
    ]
    rows += [
        (
            job.date_created,
            job.get_kind_display(),
            job.file_name,
            format_html(
                '{} <a href="{}" class="retry-link">Retry</a>',
                _job_summary(job),
                reverse("admin:campaigns_campaign_retry_fan_file", args=[campaign.pk, job.pk]),
            )
            if fan_file_retryable(job)
            else _job_summary(job),
        )
        for job in FanFileUpload.objects.filter(Q(campaign=campaign) | Q(campaign__isnull=True))[:8]
    ]
    rows.sort(key=lambda row: row[0], reverse=True)
    table = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((f"{when:%Y-%m-%d %H:%M}", what, name, summary) for when, what, name, summary in rows[:8]),
    )
    return format_html(
        "<p>{}</p>{}",
        links,
        format_html(
            '<table class="fan-file-uploads"><caption>Latest uploads</caption><tr><th>when (UTC)</th><th>what</th>'
            "<th>file</th><th>result</th></tr>{}</table>",
            table,
        )
        if rows
        else "",
    )


def upload_fan_file_view(model_admin, request, campaign_id, kind):
    """Admin view: upload a scored file, an invite list, a fanlist or the blacklist from the campaign page, through
    the same services as GraphQL; a bad file is refused with its line and reason in words, nothing stored."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or kind not in UPLOAD_KINDS:
        return redirect("admin:campaigns_campaign_changelist")
    title, help_text, _ = UPLOAD_KINDS[kind]
    if not _may_upload(model_admin, request, campaign, kind):
        messages.error(request, f"You may not upload {title}: " + help_text.rsplit(". ", 1)[-1])
        return redirect("admin:campaigns_campaign_change", campaign.pk)
    form = FanFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = queue_fan_file(
                kind,
                upload,
                campaign=None if kind == FanFileKind.BLACKLIST else campaign,
                file_name=upload.name,
                actor=admin_actor(request),
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            if job.status == UploadStatus.FAILED:
                form.add_error("file", job.summary or "The upload failed.")
            else:
                messages.success(request, f"{upload.name}: {_job_summary(job)}")
                return redirect("admin:campaigns_campaign_change", campaign.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Upload {title}: {campaign.name}",
        "form": form,
        "help_text": help_text,
        "campaign": campaign,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/entries/upload_fan_file.html", context)


def retry_fan_file_view(model_admin, request, campaign_id, upload_id):
    """Admin view: a fan file whose job failed (not on its content) read again, after a confirmation."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    job = FanFileUpload.objects.filter(pk=upload_id).first()
    if campaign is None or job is None or not _may_upload(model_admin, request, campaign, job.kind):
        return redirect("admin:campaigns_campaign_changelist")
    back = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    if request.method == "POST":
        try:
            job = retry_fan_file(job.pk, actor=admin_actor(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.info(request, f"{job.file_name}: retried — {_job_summary(job)}")
        return redirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Retry {job.get_kind_display()} {job.file_name}",
        "question": f"Read the {job.get_kind_display()} {job.file_name} again? It failed: {job.summary}",
        "confirm_label": "Yes, retry it",
        "back_url": back,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/console/confirm.html", context)


register_campaign_panel(
    CampaignPanel(
        name="fan_files",
        title="Fan lists and scores",
        render=fan_files_html,
        views=(
            ("uploads/<str:kind>/", upload_fan_file_view, "campaigns_campaign_upload_fan_file"),
            ("uploads/jobs/<int:upload_id>/retry/", retry_fan_file_view, "campaigns_campaign_retry_fan_file"),
        ),
    )
)
