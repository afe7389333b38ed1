"""Staff-written text never runs as script in the admin (issue 33 point 2): markup planted in every
staff-editable text field of a campaign reaches the campaign editor, the campaign list and the dashboard escaped,
and admin pages carry a Content-Security-Policy without inline scripts."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from campaigns.admin_editor import CONTENT_TEXTS

pytestmark = pytest.mark.django_db

MARK = '<img src=x onerror="alert(1)">'


def _plant(content: dict, path: tuple, value: str) -> None:
    for key in path[:-1]:
        content = content.setdefault(key, {})
    content[path[-1]] = value


@pytest.fixture
def planted(demo_campaign):
    """The demo campaign with MARK in its name, every market's texts, every page text of both locales, the FAQs,
    the error messages and the form's labels (written as staff with ``write`` could, through the API)."""
    for locale in demo_campaign.locales.all():
        content = locale.content
        for name, (path, _) in CONTENT_TEXTS.items():
            if name not in ("email_from_account", "logo_url"):
                _plant(content, path, f"{MARK}{name}")
        content["faqs"] = [{"id": "q1", "question": MARK, "answer": MARK}]
        content["errors"] = [{"code": "CAMPAIGN_CLOSED", "message": MARK}]
        locale.content = content
        locale.save()
    demo_campaign.name = f"{MARK} Tour"
    demo_campaign.preferences = [
        {**field, "label": {locale: f"{MARK}{field['id']}" for locale in ("en_US", "fr_CA")}}
        for field in demo_campaign.preferences
    ]
    demo_campaign.save()
    for n, market in enumerate(demo_campaign.markets.all()):
        market.name, market.city, market.event_venue_name = f"{MARK}{n}", MARK, MARK
        market.save()
    return demo_campaign


def _admin():
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-123!")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "page",
    [
        "/admin/campaigns/campaign/{pk}/change/",
        "/admin/campaigns/campaign/",
        "/admin/campaigns/campaign/{pk}/dashboard/",
    ],
)
def test_markup_planted_in_every_staff_text_field_reaches_admin_pages_escaped(planted, page):
    # when a supreme staff member opens the page
    response = _admin().get(page.format(pk=planted.pk))
    html = response.content.decode()
    # then the markup is shown as text, never as an element, and the page forbids inline scripts
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_the_editor_says_what_fans_see_in_another_locale_escaped(planted):
    """The field help of a non-default locale quotes the default locale's text (the stored-script case)."""
    html = _admin().get(f"/admin/campaigns/campaign/{planted.pk}/change/").content.decode()
    assert "Empty: fans see the en_US text “&lt;img src=x onerror=&quot;alert(1)&quot;&gt;welcome_header”" in html
