"""Root composition of the admin: the staff console (dashboard, live jobs, overview) joins the campaign pages."""

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import FanAdmin
from accounts.models import Fan
from campaigns.admin import CampaignPanel, register_campaign_panel
from entries.services.privacy import set_do_not_sell
from monoql.admin_base import admin_actor
from monoql.console.views import dashboard_view, jobs_view
from monoql.workflows.privacy import fan_data


def _dashboard_link(campaign) -> str:
    url = reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk])
    return format_html(
        '<a href="{}" class="dashboard-link">Open the dashboard</a> (registrations, funnel, demand, jobs)', url
    )


register_campaign_panel(
    CampaignPanel(
        name="dashboard",
        title="Dashboard",
        render=_dashboard_link,
        views=(
            ("dashboard/", dashboard_view, "campaigns_campaign_dashboard"),
            ("dashboard/jobs.json", jobs_view, "campaigns_campaign_dashboard_jobs"),
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


admin.site.unregister(Fan)


@admin.register(Fan)
class FanPrivacyAdmin(FanAdmin):
    """Root composition: the fan page with its privacy actions, which span accounts, entries and every file."""

    actions = [mark_do_not_sell, clear_do_not_sell, download_fan_data]
