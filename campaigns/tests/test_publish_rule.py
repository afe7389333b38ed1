"""Rules found wrong (campaign side): a campaign opens only when it is complete, on every path to OPEN; the
presale window's two dates go together."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, OutboundEvent
from campaigns.services.campaign_rules import publish_problems
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.tests.test_upsert_campaign import FULL, UPSERT
from conftest import TEST_ACTOR, publishable, session_token_for

pytestmark = pytest.mark.django_db


def test_a_campaign_with_only_a_name_cannot_be_opened(gql):
    """catalog §3.1 status changes, seeds use case 2: required fields are validated before publishing."""
    # Given a campaign created with a name only
    token = session_token_for("supreme")
    created = gql.execute(UPSERT, {"campaign": {"type": "registration", "name": "Bare"}}, token=token)
    campaign_id = created["data"]["upsertCampaign"]["id"]
    # When staff set it OPEN
    body = gql.execute(UPSERT, {"campaign": {"id": campaign_id, "status": "OPEN"}}, token=token)
    # Then it is refused, naming what is missing, and the campaign stays a DRAFT
    error = body["errors"][0]["extensions"]
    assert (error["code"], error["reason"], error["field"]) == (
        "VALIDATION_ERROR",
        "CAMPAIGN_NOT_PUBLISHABLE",
        "domain.site",
    )
    assert error["missing"] == ["domain.site", "date.close", "markets", "content", "preferences"]
    assert Campaign.objects.get(pk=campaign_id).status == CampaignStatus.DRAFT


def test_a_complete_campaign_opens(gql):
    """The full input (domain, dates, a market, content, an email field) passes the publish rule."""
    token = session_token_for("supreme")
    created = gql.execute(UPSERT, {"campaign": FULL}, token=token)["data"]["upsertCampaign"]
    body = gql.execute(UPSERT, {"campaign": {"id": created["id"], "status": "OPEN"}}, token=token)
    assert "errors" not in body, body
    assert body["data"]["upsertCampaign"]["status"] == "OPEN"


def test_the_demo_campaign_passes_the_publish_rule(demo_campaign):
    assert publish_problems(demo_campaign) == []


def test_the_refresh_leaves_an_incomplete_due_campaign_and_reports_it_once():
    """catalog §3.1 refresh: a due campaign failing the publish rule stays where it is and is reported."""
    # Given two campaigns due to open, one complete and one without markets or content
    now = timezone.now()
    form = [{"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email"}}]
    dates = {"date_open": now - timedelta(minutes=1), "date_close": now + timedelta(days=3)}
    complete = publishable(
        Campaign.objects.create(name="Complete", domain_site="c.localhost", preferences=form, **dates)
    )
    bare = Campaign.objects.create(name="Bare", domain_site="b.localhost", preferences=form, **dates)
    # When the refresh runs twice
    first = refresh_campaign_statuses(now=now, actor=TEST_ACTOR)
    second = refresh_campaign_statuses(now=now, actor=TEST_ACTOR)
    # Then only the complete one opened; the other stays DRAFT, reported with what it misses, once
    assert first.opened == [complete.pk]
    assert first.refused == [(bare.pk, ["markets", "content"])]
    assert second.refused == [(bare.pk, ["markets", "content"])]
    assert Campaign.objects.get(pk=bare.pk).status == CampaignStatus.DRAFT
    reports = OutboundEvent.objects.filter(event_type="campaign.openRefused")
    assert [(r.campaign_id, r.payload["missing"]) for r in reports] == [(bare.pk, ["markets", "content"])]


def test_a_lone_presale_start_date_is_refused(gql):
    """catalog §1.5 ``CampaignInput.date``: presaleWindowStart and presaleWindowEnd go together."""
    token = session_token_for("supreme")
    lone = {**FULL, "categoryId": None, "date": {**FULL["date"], "presaleWindowEnd": None}}
    body = gql.execute(UPSERT, {"campaign": lone}, token=token)
    error = body["errors"][0]["extensions"]
    assert (error["reason"], error["field"]) == ("MISSING_PRESALE_WINDOW_DATE", "date.presaleWindowEnd")


def test_publishing_checks_the_content_of_every_locale_naming_locale_and_field(demo_campaign):
    """Seed 000 use case 2 ("required content fields must be populated per locale"), catalog §3.1: a campaign
    offering fr_CA opens only when fr_CA has page copy for every text the default locale fills in."""
    # given the demo campaign (complete in en_US and fr_CA), whose fr_CA copy loses its welcome header
    french = demo_campaign.locales.get(locale="fr_CA")
    english = demo_campaign.locales.get(locale="en_US")
    assert english.content["body"]["started"]["welcome"]["header"]
    french.content["body"]["started"]["welcome"]["header"] = ""
    french.save()
    # when the publish rule reads it, then it names the locale and the field
    assert publish_problems(demo_campaign) == [
        (
            "content.localized[fr_CA].body.started.welcome.header",
            "fr_CA page copy for body.started.welcome.header (filled in en_US)",
        )
    ]
    # and a locale with no content at all is named as a whole
    french.content = {}
    french.save()
    assert publish_problems(demo_campaign) == [("content.localized[fr_CA]", "page content in fr_CA")]
