"""The operator's commands that no other test runs in-process (issue 42: each file at the coverage floor): what an
operator at a terminal reads, and what the command changed."""

import io
import json

import jwt
import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Campaign, CampaignStatus
from entries.models import BotScore
from monoql.audit import AuditEntry


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_score_entries_scores_the_campaign_and_prints_the_summary(demo_campaign, sign_in):
    # given the demo campaign with one registered fan
    from entries.tests.test_registration_fast_path import UPSERT, _entry, _post

    token = sign_in()
    assert "errors" not in _post(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token).json()
    # when an operator scores it
    summary = json.loads(_run("score_entries", demo_campaign.pk))
    # then every entry has its bot score, the summary says so, and the audit log names the command
    assert (summary["entries"], summary["inputs"]) == (1, "ignored")
    assert BotScore.objects.filter(entry__campaign=demo_campaign).count() == 1
    row = AuditEntry.objects.get(action="entries.botScore")
    assert (row.actor_kind, row.channel, row.actor_label) == ("system", "command", "manage.py score_entries")
    # and an unknown campaign is a one-line error, not a traceback
    with pytest.raises(CommandError, match="Campaign not found"):
        _run("score_entries", "f" * 24)


def test_mint_identity_token_prints_a_development_token(settings):
    settings.IDENTITY_PROVIDER = "development"
    token = _run(
        "mint_identity_token", "--email", "Fan@Example.com", "--member-id", "m-1", "--first-name", "Ana"
    ).strip()
    claims = jwt.decode(token, settings.IDENTITY_DEV_SECRET, algorithms=["HS256"], options={"verify_aud": False})
    assert (claims["email"], claims["memberId"], claims["given_name"]) == ("fan@example.com", "m-1", "Ana")
    # and on an installation with a real identity provider it refuses
    settings.IDENTITY_PROVIDER = "configured"
    with pytest.raises(CommandError, match="not 'development'"):
        _run("mint_identity_token", "--email", "fan@example.com")


@pytest.mark.e2e  # also on the embedded default (SQLite), as `make run` runs it
@pytest.mark.django_db
def test_load_demo_loads_the_open_demo_campaign_once(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "pw-Test-123!")
    first = _run("load_demo")
    again = _run("load_demo")
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.OPEN
    assert f"demo campaign {campaign.pk}" in first and f"demo campaign {campaign.pk}" in again
