"""The staff console's pages in the admin: a campaign's dashboard (with its live jobs, polled as JSON) and
the overview of every campaign the staff member may see. Staff see only their campaigns (``access``)."""

from datetime import timedelta

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import campaign_default_locale
from entries.scoring_selectors import bot_score_distribution
from monoql.audit import AuditEntry
from monoql.console import dashboard
from monoql.console.access import may, visible_campaign_ids
from monoql.console.charts import bars

POLL_SECONDS = 2


def _campaign(request, campaign_id) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not may(request.user, campaign.pk, "read"):
        raise Http404("No such campaign.")
    return campaign


def dashboard_view(model_admin, request, campaign_id):
    """The campaign's dashboard: registrations per hour and per day, the funnel, demand per market against
    capacity and codes, the code inventory, and the latest jobs, updated every few seconds without a reload."""
    campaign = _campaign(request, campaign_id)
    figures, computed_at = dashboard.numbers_for_page(campaign)
    funnel = figures["funnel"]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Dashboard: {campaign.name}",
        "opts": model_admin.model._meta,
        "original": campaign,
        "campaign": campaign,
        "per_hour": bars([tuple(p) for p in figures["perHour"]], title="Registrations per hour, last 48 hours"),
        "per_day": bars([tuple(p) for p in figures["perDay"]], title="Registrations per day, last 30 days"),
        "funnel": funnel,
        "funnel_top": max((value for _, value in funnel), default=0) or 1,
        "demand": figures["demand"],
        "inventory": figures["inventory"],
        "bot_score": figures.get("botScore") or bot_score_distribution(campaign),
        "computed_at": computed_at,
        "jobs": dashboard.jobs(campaign),
        "poll_seconds": POLL_SECONDS,
        "locale": campaign_default_locale(campaign),
    }
    return TemplateResponse(request, "admin/console/dashboard.html", context)


def jobs_view(model_admin, request, campaign_id):
    """``GET …/dashboard/jobs.json``: the latest jobs' status, progress, counts and errors (polled)."""
    campaign = _campaign(request, campaign_id)
    return JsonResponse({"campaignId": campaign.pk, "at": timezone.now().isoformat(), **dashboard.jobs(campaign)})


def overview(request):
    """Every campaign the staff member may see: status, registrations today and in total, the next date that
    matters (opening, closing, presale), with a link to its dashboard."""
    visible = visible_campaign_ids(request.user)
    campaigns = Campaign.objects.exclude(status="INACTIVE").order_by("-date_created")
    if visible is not None:
        campaigns = campaigns.filter(pk__in=visible)
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    campaigns = campaigns.annotate(
        registrations=Count("entries"), today=Count("entries", filter=Q(entries__date_created__gte=today))
    )
    now = timezone.now()
    rows = []
    for campaign in campaigns[:200]:
        upcoming = [
            (label, when)
            for label, when in (
                ("opens", campaign.date_open),
                ("closes", campaign.date_close),
                ("presale starts", campaign.date_presale_window_start),
                ("presale ends", campaign.date_presale_window_end),
            )
            if when and when >= now - timedelta(minutes=1)
        ]
        rows.append({"campaign": campaign, "next": min(upcoming, key=lambda item: item[1]) if upcoming else None})
    context = {**admin.site.each_context(request), "title": "Campaigns overview", "rows": rows}
    return TemplateResponse(request, "admin/console/overview.html", context)


#: Rows per page of a campaign's history.
HISTORY_PAGE = 100


def history_view(model_admin, request, campaign_id):
    """A campaign's history from the audit log (``monoql.audit``): who did what, when, through which door, and what
    changed in words, newest first, ``HISTORY_PAGE`` rows a page (``?page=``); jobs and the beat included."""
    campaign = _campaign(request, campaign_id)
    rows = AuditEntry.objects.filter(campaign_id=campaign.pk).order_by("-date_created", "-pk")
    page = Paginator(rows, HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"History: {campaign.name}",
        "opts": model_admin.model._meta,
        "original": campaign,
        "campaign": campaign,
        "page": page,
        "rows": [
            {
                "when": row.date_created,
                "who": row.actor_label or row.get_actor_kind_display(),
                "kind": row.get_actor_kind_display(),
                "door": row.get_channel_display(),
                "action": row.action,
                "target": row.target,
                "changes": change_words(row.changes),
            }
            for row in page.object_list
        ],
    }
    return TemplateResponse(request, "admin/console/history.html", context)


def change_words(changes) -> str:
    """An audit row's ``changes`` as one line of words: ``field: before → after`` or ``name: value`` pairs."""
    parts = []
    for key, value in sorted((changes or {}).items()):
        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
            parts.append(f"{key}: {value[0]!r} → {value[1]!r}")
        elif isinstance(value, (list, dict)):
            text = ", ".join(str(item) for item in value) if isinstance(value, list) else f"{len(value)} values"
            parts.append(f"{key}: {text[:80]}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)
