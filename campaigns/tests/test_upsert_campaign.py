"""upsertCampaign (catalog §1.5, §3.1 rules): create, partial update, validation that leaves data as it was."""

import pytest

from campaigns.models import Campaign, CampaignLocale, CampaignStatusChange, OutboundEvent
from conftest import session_token_for

UPSERT = """
mutation admin_upsertCampaign($campaign: CampaignInput!) {
  upsertCampaign(campaign: $campaign) {
    id type name status
    ... on RegistrationCampaign {
      tour { name }
      artist { name discovery_id fanclubName }
      domain { site share preview }
      categoryId referenceTimezone
      date { open close presaleWindowStart presaleWindowEnd sendReminderEmails }
      locales { id is_default }
      content { localized { locale value { body { started { welcome { header } } } faqs { id question } email { from { account } } } } }
      preferences { id type is_optional label { localized { locale value } en_US fr_CA } }
      options { requirePassword gate { card inviteOnly } linkableAttributes automatedReminders }
      slack { channels { stats } noAlert }
      trackers { type id }
      style
      image { main { url width height } }
      faqs { landing { open } }
      markets { name city timezone event { ids } }
      schema { version }
      identifier
    }
  }
}
"""

FULL = {
    "type": "registration",
    "name": "Eras Tour presale",
    "tour": {"name": "The Eras Tour"},
    "artist": {"name": "Taylor Swift", "discovery_id": "K8vZ9171ob7", "fanclubName": "Swifties"},
    "domain": {"site": "Eras.Example.com", "share": "eras.example.com", "preview": "preview-eras.example.com"},
    "categoryId": "cat-1",
    "referenceTimezone": "America/Chicago",
    "date": {
        "open": "2026-12-01T15:00:00Z",
        "close": "2026-12-05T04:59:00Z",
        "presaleWindowStart": "2026-12-10T15:00:00Z",
        "presaleWindowEnd": "2026-12-11T04:59:00Z",
        "sendReminderEmails": ["ops@example.com"],
    },
    "locales": [{"id": "en_US", "is_default": True}, {"id": "fr-ca", "is_default": False}],
    "content": {
        "localized": [
            {
                "locale": "en_US",
                "value": {
                    "body": {"started": {"welcome": {"header": "Register now"}}},
                    "faqs": [{"id": "q1", "question": "Who?", "answer": "Fans."}],
                    "email": {"from": {"name": "Presale", "account": "presale@example.com"}},
                },
            },
            {"locale": "fr_CA", "value": {"body": {"started": {"welcome": {"header": "Inscrivez-vous"}}}}},
        ]
    },
    "preferences": [
        {
            "id": "email",
            "type": "email",
            "is_optional": False,
            "label": {"localized": [{"locale": "en_US", "value": "Email"}, {"locale": "fr_CA", "value": "Courriel"}]},
        },
        {"id": "market", "type": "market_select", "is_optional": False, "label": {"en_US": "Show"}},
    ],
    "options": {
        "requirePassword": False,
        "gate": {"card": "AMEX", "inviteOnly": "email"},
        "linkableAttributes": ["card_amex"],
        "automatedReminders": True,
    },
    "slack": {"channels": {"stats": ["presale-stats", "#ops"]}, "noAlert": False},
    "trackers": [{"type": "ga", "id": "G-1"}],
    "style": {"theme": {"primary": "#000"}},
    "image": {"main": {"url": "https://cdn.example.com/main.png", "width": 1200, "height": 600}},
    "faqs": {"landing": {"open": ["q1"]}},
    "markets": [
        {
            "campaignId": "ignored",
            "name": "Chicago",
            "city": "Chicago",
            "state": "IL",
            "timezone": "America/Chicago",
            "event": {"id": "E1", "name": "Soldier Field", "venue": {"name": "Soldier Field"}},
        }
    ],
    "identifier": "email",
}


def _upsert(gql, campaign, role="supreme", target=None):
    return gql.execute(UPSERT, {"campaign": campaign}, token=session_token_for(role, target))


@pytest.mark.django_db
def test_create_with_the_whole_input_tree_returns_every_field(gql):
    # when
    body = _upsert(gql, FULL)
    # then
    assert "errors" not in body, body
    data = body["data"]["upsertCampaign"]
    assert data["type"] == "registration" and data["status"] == "DRAFT"
    assert data["artist"] == {"name": "Taylor Swift", "discovery_id": "K8vZ9171ob7", "fanclubName": "Swifties"}
    assert data["domain"] == {
        "site": "eras.example.com",
        "share": "eras.example.com",
        "preview": "preview-eras.example.com",
    }
    assert data["date"]["open"] == "2026-12-01T15:00:00Z"
    assert data["date"]["sendReminderEmails"] == ["ops@example.com"]
    assert data["locales"] == [{"id": "en_US", "is_default": True}, {"id": "fr_CA", "is_default": False}]
    localized = {item["locale"]: item["value"] for item in data["content"]["localized"]}
    assert localized["fr_CA"]["body"]["started"]["welcome"]["header"] == "Inscrivez-vous"
    assert localized["en_US"]["faqs"] == [{"id": "q1", "question": "Who?"}]
    assert localized["en_US"]["email"]["from"]["account"] == "presale@example.com"
    assert data["preferences"][0]["label"]["en_US"] == "Email"
    assert data["preferences"][0]["label"]["fr_CA"] == "Courriel"
    assert data["options"] == {
        "requirePassword": False,
        "gate": {"card": "AMEX", "inviteOnly": "email"},
        "linkableAttributes": ["card_amex"],
        "automatedReminders": True,
    }
    assert data["slack"] == {"channels": {"stats": ["#presale-stats", "#ops"]}, "noAlert": False}
    assert data["markets"] == [
        {"name": "Chicago", "city": "Chicago", "timezone": "America/Chicago", "event": {"ids": ["E1"]}}
    ]
    assert data["identifier"] == "email" and data["schema"] == {"version": "1"}
    assert set(OutboundEvent.objects.values_list("event_type", flat=True)) == {"campaign.created", "market.created"}


@pytest.mark.django_db
def test_partial_update_changes_only_the_given_fields(gql):
    # given
    created = _upsert(gql, FULL)["data"]["upsertCampaign"]
    # when
    body = _upsert(
        gql, {"id": created["id"], "name": "Renamed", "options": {"requirePassword": True, "passwordValue": "s3"}}
    )
    # then
    assert "errors" not in body, body
    campaign = Campaign.objects.get(pk=created["id"])
    assert campaign.name == "Renamed"
    assert campaign.domain_site == "eras.example.com"
    assert campaign.options["gate"] == {"card": "AMEX", "inviteOnly": "email"}
    assert campaign.options["passwordValue"] == "s3"
    assert CampaignLocale.objects.filter(campaign=campaign).count() == 2


@pytest.mark.django_db
def test_manual_status_change_is_recorded(gql):
    created = _upsert(gql, FULL)["data"]["upsertCampaign"]
    # when
    body = _upsert(gql, {"id": created["id"], "status": "PREVIEW"})
    bad = _upsert(gql, {"id": created["id"], "status": "INACTIVE"})
    # then
    assert body["data"]["upsertCampaign"]["status"] == "PREVIEW"
    assert list(CampaignStatusChange.objects.values_list("from_status", "to_status")) == [("DRAFT", "PREVIEW")]
    assert bad["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_CAMPAIGN_STATUS_CHANGE",
        "field": "status",
    }


def _with(**changes):
    data = {key: value for key, value in FULL.items() if key != "markets"}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


BAD_INPUTS = [
    ("unknown time zone", _with(referenceTimezone="Mars/Olympus"), "INVALID_TIMEZONE", "referenceTimezone"),
    ("unknown locale", _with(locales=[{"id": "xx_QQ", "is_default": True}]), "INVALID_LOCALE", "locales[0].id"),
    (
        "two default locales",
        _with(locales=[{"id": "en_US", "is_default": True}, {"id": "fr_CA", "is_default": True}]),
        "INVALID_CAMPAIGN",
        "locales",
    ),
    (
        "content for a locale the campaign lacks",
        _with(locales=[{"id": "en_US", "is_default": True}]),
        "INVALID_LOCALE",
        "content.localized[fr_CA]",
    ),
    (
        "malformed content",
        _with(content={"en_US": {"errors": [{"message": "no code"}]}}),
        "INVALID_CAMPAIGN_SCHEMA",
        "content.localized[en_US].errors[0]",
    ),
    (
        "bad email in content",
        _with(content={"en_US": {"email": {"from": {"account": "not-an-email"}}}}),
        "INVALID_CAMPAIGN_SCHEMA",
        "content.localized[en_US].email.from.account",
    ),
    (
        "open after close",
        _with(date={"open": "2026-12-06T00:00:00Z", "close": "2026-12-05T00:00:00Z"}, categoryId=""),
        "INVALID_CAMPAIGN_DATE_ORDER",
        "date.close",
    ),
    (
        "presale window before close",
        _with(
            date={
                "open": "2026-12-01T00:00:00Z",
                "close": "2026-12-05T00:00:00Z",
                "presaleWindowStart": "2026-12-04T00:00:00Z",
                "presaleWindowEnd": "2026-12-06T00:00:00Z",
            }
        ),
        "INVALID_CAMPAIGN_DATE_ORDER",
        "date.presaleWindowStart",
    ),
    (
        "categoryId without a presale window",
        _with(date={"open": "2026-12-01T00:00:00Z"}),
        "MISSING_PRESALE_WINDOW_DATE",
        "date.presaleWindowStart",
    ),
    (
        "presale window ends before it starts",
        _with(date={"presaleWindowStart": "2026-12-10T00:00:00Z", "presaleWindowEnd": "2026-12-09T00:00:00Z"}),
        "INVALID_PRESALE_WINDOW_DATE_ORDER",
        "date.presaleWindowEnd",
    ),
    (
        "unknown preference type",
        _with(preferences=[{"id": "x", "type": "favourite_colour"}]),
        "InvalidPreferenceCampaignSchemaType",
        "preferences[0].type",
    ),
    ("not a date", _with(date={"open": "next tuesday"}), "INVALID_DATE", "date.open"),
    ("not a domain", _with(domain={"site": "not a domain!"}), "INVALID_DOMAIN", "domain.site"),
    (
        "password without a value",
        _with(options={"requirePassword": True}),
        "INVALID_CAMPAIGN",
        "options.passwordValue",
    ),
    ("empty name", _with(name="  "), "INVALID_CAMPAIGN_SCHEMA", "name"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("label,campaign,reason,field", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_is_refused_with_reason_and_field_and_writes_nothing(gql, label, campaign, reason, field):
    # when
    body = _upsert(gql, campaign)
    # then
    assert body["data"]["upsertCampaign"] is None
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": reason, "field": field}
    assert Campaign.objects.count() == 0
    assert OutboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_bad_update_leaves_the_stored_campaign_as_it_was(gql):
    # given
    created = _upsert(gql, FULL)["data"]["upsertCampaign"]
    before = Campaign.objects.get(pk=created["id"])
    locales_before = list(CampaignLocale.objects.filter(campaign=before).values_list("locale", "is_default", "content"))
    # when: valid name change + a bad market in the same request
    body = _upsert(
        gql,
        {
            "id": created["id"],
            "name": "Half written?",
            "locales": [{"id": "en_US", "is_default": True}],
            "content": {"en_US": {"body": {"terms": {"main": "New terms"}}}},
            "markets": [{"campaignId": created["id"], "name": "X", "city": "X", "state": "X", "timezone": "Nowhere/X"}],
        },
    )
    # then
    assert body["errors"][0]["extensions"]["field"] == "markets[0].timezone"
    after = Campaign.objects.get(pk=created["id"])
    assert after.name == "Eras Tour presale"
    assert list(CampaignLocale.objects.filter(campaign=after).values_list("locale", "is_default", "content")) == (
        locales_before
    )


@pytest.mark.django_db
def test_domain_held_by_an_active_campaign_is_refused_and_reusable_after_inactive(gql):
    # given
    first = _upsert(gql, FULL)["data"]["upsertCampaign"]
    second_input = _with(name="Other", domain={"site": "eras.example.com"})
    # when
    refused = _upsert(gql, second_input)
    Campaign.objects.filter(pk=first["id"]).update(status="INACTIVE")
    accepted = _upsert(gql, second_input)
    # then
    assert refused["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "DOMAIN_NAME_CONFLICT",
        "field": "domain.site",
    }
    assert "errors" not in accepted, accepted
    assert accepted["data"]["upsertCampaign"]["domain"]["site"] == "eras.example.com"


@pytest.mark.django_db
def test_type_and_identifier_are_immutable_once_open(gql):
    created = _upsert(gql, FULL)["data"]["upsertCampaign"]
    Campaign.objects.filter(pk=created["id"]).update(status="OPEN")
    # when
    body = _upsert(gql, {"id": created["id"], "identifier": "memberId"})
    # then
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_CAMPAIGN",
        "field": "identifier",
    }
    assert Campaign.objects.get(pk=created["id"]).identifier == "email"


@pytest.mark.django_db
def test_unknown_campaign_id_is_not_found(gql):
    body = _upsert(gql, {"id": "000000000000000000000000", "name": "x"})
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "reason": "CAMPAIGN_NOT_FOUND", "field": "id"}
