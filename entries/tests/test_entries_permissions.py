"""Permission table for every registration-depth operation (issue 4 item 9): staff reads need ``read``,
staff writes need ``write``, the blacklist needs supreme; a denied call changes nothing. Fan operations act
on the caller's own entry only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from conftest import post_multipart, session_token_for
from entries.models import BlacklistEntry, Entry, FanlistRecord, Invite, ScoredFile, Stat
from entries.services.phone_confirmation import issue_phone_jwt

ROLES = ["anonymous", "fan", "reader", "writer", "supreme"]
READ = {"reader", "writer", "supreme"}
WRITE = {"writer", "supreme"}


def _snapshot():
    return {
        "entries": list(
            Entry.objects.order_by("pk").values_list(
                "pk", "score", "verdict", "tags", "attributes", "date_phone_confirmed"
            )
        ),
        "stats": list(Stat.objects.values_list("pk", "status")),
        "scored": ScoredFile.objects.count(),
        "blacklist": BlacklistEntry.objects.count(),
        "fanlist": FanlistRecord.objects.count(),
        "invites": Invite.objects.count(),
    }


@pytest.fixture
def world(db):
    campaign = Campaign.objects.create(
        name="Tour", status=CampaignStatus.OPEN, identifier="email", domain_site="t.localhost"
    )
    fanlist = Campaign.objects.create(name="List", type="fanlist", identifier="email", options={"scoring": "raw"})
    invite_only = Campaign.objects.create(name="Invited", identifier="email", options={"gate": {"inviteOnly": "email"}})
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC", event_ids=["1"])
    owner = Fan.objects.create(global_user_id="owner", email="owner@example.com")
    Entry.objects.create(
        campaign=campaign, fan=owner, email="owner@example.com", phone="+12125550100", market_0=market, tags={"t": True}
    )
    return {"campaign": campaign, "fanlist": fanlist, "inviteOnly": invite_only, "market": market}


M = "metrics { %s }"
OPERATIONS = [
    (
        "entriesByMarketPreference",
        "query($c: ID!) { " + M % "entriesByMarketPreference(campaignId: $c) { id counts }" + " }",
        READ,
    ),
    (
        "eligibleByMarketPreference",
        "query($c: ID!) { " + M % "eligibleByMarketPreference(campaignId: $c, minScore: 0) { id counts }" + " }",
        READ,
    ),
    (
        "verifiedCountByMarket",
        "query($c: ID!) { " + M % "verifiedCountByMarket(campaignId: $c) { id count }" + " }",
        READ,
    ),
    (
        "totalSelectedByMarket",
        "query($c: ID!) { " + M % "totalSelectedByMarket(campaignId: $c) { id count }" + " }",
        READ,
    ),
    (
        "eligibileCounts",
        "query($c: String) { viewer { campaign(id: $c) { ... on RegistrationCampaign { eligibileCounts { count } } } } }",
        READ,
    ),
    ("stats", "query($c: ID!) { stats(campaignId: $c, type: filterList) { dateId } }", READ),
    ("campaignScoredList", "query($c: String!) { campaignScoredList(campaignId: $c) { count } }", READ),
    (
        "addTags",
        'mutation($c: String!) { addTags(campaignId: $c, fileRecords: ["owner@example.com"], targetField: "email", tagName: "x") { count } }',
        WRITE,
    ),
    (
        "flipVerdicts",
        'mutation($c: String!) { flipVerdicts(campaignId: $c, tagName: "t", filterType: block) { count } }',
        WRITE,
    ),
    (
        "upsertStat",
        'mutation($c: ID!) { upsertStat(campaignId: $c, dateId: "d", type: selection, status: "PENDING") { dateId } }',
        WRITE,
    ),
]
UPLOADS = [
    (
        "uploadScored",
        'mutation($file: Upload!, $size: Int!, $c: String!) { uploadScored(file: $file, fileSize: $size, campaignId: $c, campaignName: "T") { name } }',
        b"email,score\nowner@example.com,0.5\n",
        "campaign",
        WRITE,
    ),
    (
        "uploadFanlist",
        "mutation($file: Upload!, $size: Int!, $c: String!) { uploadFanlist(file: $file, fileSize: $size, campaignId: $c) { name } }",
        b"email,score\nx@example.com,0.5\n",
        "fanlist",
        WRITE,
    ),
    (
        "uploadInvites",
        "mutation($file: Upload!, $size: Int!, $c: String!) { uploadInvites(file: $file, fileSize: $size, campaignId: $c) { name } }",
        b"email\nx@example.com\n",
        "inviteOnly",
        WRITE,
    ),
    (
        "uploadBlacklist",
        "mutation($file: Upload!, $size: Int!) { uploadBlacklist(file: $file, fileSize: $size) { name } }",
        b"owner@example.com\n",
        None,
        {"supreme"},
    ),
]
CASES = [(op, role) for op in OPERATIONS for role in ROLES]
UPLOAD_CASES = [(op, role) for op in UPLOADS for role in ROLES]


def _check(body, role, allowed, before, label):
    errors = body.get("errors") or []
    if role in allowed:
        assert errors == [], (label, role, errors)
    else:
        codes = {error["extensions"]["code"] for error in errors}
        assert codes == ({"UNAUTHENTICATED"} if role == "anonymous" else {"FORBIDDEN"}), (label, role, errors)
        assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("operation,role", CASES, ids=[f"{op[0]}-{role}" for op, role in CASES])
def test_operation_allows_exactly_its_roles(gql, world, operation, role):
    # given
    label, document, allowed = operation
    token = session_token_for(role, world["campaign"])
    before = _snapshot()
    # when
    body = gql.execute(document, {"c": world["campaign"].pk}, token=token)
    # then
    _check(body, role, allowed, before, label)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation,role", UPLOAD_CASES, ids=[f"{op[0]}-{role}" for op, role in UPLOAD_CASES])
def test_upload_allows_exactly_its_roles(world, operation, role):
    # given
    label, document, content, target, allowed = operation
    campaign = world[target] if target else world["campaign"]
    token = session_token_for(role, campaign)
    before = _snapshot()
    variables = {"size": len(content), **({"c": campaign.pk} if target else {})}
    # when
    body = post_multipart(document, variables, content, token=token).json()
    # then
    _check(body, role, allowed, before, label)


FAN_OPERATIONS = [
    ("submitConfirm", "mutation($c: String!, $j: String!) { submitConfirm(campaignId: $c, phoneJwt: $j) }"),
    ("refreshEntryAttribute", "mutation($c: ID!) { refreshEntryAttribute(campaignId: $c, attribute: card_amex) }"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("label, document", FAN_OPERATIONS, ids=[f[0] for f in FAN_OPERATIONS])
def test_fan_operations_never_touch_another_fans_entry(gql, world, label, document):
    # given: an entry of "owner"; another signed-in fan (no entry, even supreme) holding a valid phone
    # token for the owner's phone; and an anonymous caller
    other_token = session_token_for("supreme", world["campaign"])
    other = Fan.objects.get(global_user_id="g-supreme")
    phone_jwt = issue_phone_jwt(
        phone="+12125550100",
        campaign_id=world["campaign"].pk,
        fan_id=other.pk,
        expires=timezone.now() + timedelta(minutes=5),
    )
    variables = {"c": world["campaign"].pk, "j": phone_jwt} if "$j" in document else {"c": world["campaign"].pk}
    before = _snapshot()
    # when
    anonymous = gql.execute(document, variables)
    answer = gql.execute(document, variables, token=other_token)
    # then
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert answer["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "reason": "ENTRY_NOT_FOUND",
        "field": "campaignId",
    }
    assert _snapshot() == before
