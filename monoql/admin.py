"""Root composition of the admin: the staff console (dashboard, live jobs, overview) joins the campaign pages."""

from django.urls import reverse
from django.utils.html import format_html

from campaigns.admin import CampaignPanel, register_campaign_panel
from monoql.console.views import dashboard_view, jobs_view


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
