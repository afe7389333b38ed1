"""Scored uploads, the blacklist, tags and verdicts, fanlists and stats (catalog §3.6.4, §3.7.5, §3.10)."""

import pytest
from django.core.files.storage import default_storage

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from conftest import post_multipart, session_token_for
from entries.models import BlacklistEntry, Entry, FanlistRecord, ScoredFile, Stat

pytestmark = pytest.mark.django_db(transaction=True)  # scored files are matched by a task queued on commit

SCORED = """
mutation S($file: Upload!, $size: Int!, $c: String!, $name: String!) {
  uploadScored(file: $file, fileSize: $size, campaignId: $c, campaignName: $name) { url name contentType report }
}"""
BLACKLIST = """
mutation B($file: Upload!, $size: Int!) { uploadBlacklist(file: $file, fileSize: $size, fileName: "bl.csv") { name report } }"""
FANLIST = """
mutation F($file: Upload!, $size: Int!, $c: String!) { uploadFanlist(file: $file, fileSize: $size, campaignId: $c) { name report } }"""
SCORED_LIST = "query L($c: String!) { campaignScoredList(campaignId: $c) { date count verifiedCount path } }"
ADD_TAGS = """
mutation T($c: String!, $r: [String]!, $f: String!, $t: String!) {
  addTags(campaignId: $c, fileRecords: $r, targetField: $f, tagName: $t) { count }
}"""
FLIP = "mutation V($c: String!, $t: String!, $f: FilterType!) { flipVerdicts(campaignId: $c, tagName: $t, filterType: $f) { count } }"


@pytest.fixture
def campaign():
    campaign = Campaign.objects.create(
        name="Scored Tour!", status=CampaignStatus.OPEN, identifier="email", options={}, preferences=[]
    )
    market = Market.objects.create(
        campaign=campaign, name="Paris", city="Paris", state="", timezone="UTC", event_ids=["1"]
    )
    for n in range(4):
        fan = Fan.objects.create(global_user_id=f"g{n}", member_id=f"m{n}", email=f"fan{n}@example.com")
        Entry.objects.create(
            campaign=campaign, fan=fan, email=f"fan{n}@example.com", phone=f"+1212555010{n}", market_0=market
        )
    return campaign


def _scores(campaign):
    return {e.email: (e.score, e.verdict) for e in Entry.objects.filter(campaign=campaign).order_by("email")}


def test_scored_file_sets_scores_and_verdicts_and_reports_counts(campaign):
    # given: rows for three fans (one by a different case), one unknown fan
    content = b"email,score,verdict\nFAN0@example.com,0.9,true\nfan1@example.com,0.4,false\nfan2@example.com,1,\nghost@example.com,0.5,true\n"
    token = session_token_for("writer", campaign)
    # when
    body = post_multipart(
        SCORED, {"size": len(content), "c": campaign.pk, "name": "Scored Tour!"}, content, token
    ).json()
    listed = Campaign.objects.get(pk=campaign.pk)
    # then
    assert "errors" not in body, body
    answer = body["data"]["uploadScored"]
    assert answer["name"].startswith(f"{campaign.pk}.ScoredTour.") and answer["name"].endswith(".uploaded.csv")
    assert answer["contentType"] == "text/csv"
    assert answer["report"] == {"status": "FINISHED", "rows": 4, "matched": 3, "unmatched": 1, "verified": 2}
    assert _scores(listed) == {
        "fan0@example.com": (0.9, True),
        "fan1@example.com": (0.4, False),
        "fan2@example.com": (1.0, True),
        "fan3@example.com": (None, True),
    }
    stored = ScoredFile.objects.get()
    assert default_storage.exists(stored.path) and stored.path.startswith("scored/")
    from conftest import GraphQLClient

    scored_list = GraphQLClient().execute(SCORED_LIST, {"c": campaign.pk}, token=token)["data"]["campaignScoredList"]
    assert [(row["count"], row["verifiedCount"]) for row in scored_list] == [(3, 2)]


def test_scored_file_matches_by_phone_when_it_has_no_identifier_column(campaign):
    content = b"phone,score\n(212) 555-0101,0.25\n"
    post_multipart(
        SCORED, {"size": len(content), "c": campaign.pk, "name": "x"}, content, session_token_for("writer", campaign)
    )
    assert _scores(campaign)["fan1@example.com"] == (0.25, True)


@pytest.mark.parametrize(
    "content, reason, extensions",
    [
        (b"email,verdict\nfan0@example.com,true\n", "MISSING_COLUMN", {"column": "score"}),
        (b"memberId,score\nm0,0.5\n", "MISSING_COLUMN", {"column": "email or phone"}),
        (b"email,score\nfan0@example.com,0.5\nfan1@example.com,1.5\n", "INVALID_SCORE", {"line": 3}),
        (b"email,score\nfan0@example.com,high\n", "INVALID_SCORE", {"line": 2}),
        (b"email,score,verdict\nfan0@example.com,0.5,maybe\n", "INVALID_VERDICT", {"line": 2}),
        (b"phone,score\nnot-a-phone,0.5\n", "INVALID_IDENTIFIER", {"line": 2}),
        (b"email,score\n", "EMPTY_FILE", {}),
        (b"\xff\xfe\x00", "NOT_TEXT", {}),
    ],
)
def test_bad_scored_files_are_refused_whole(campaign, content, reason, extensions):
    # given
    before = _scores(campaign)
    # when
    body = post_multipart(
        SCORED, {"size": len(content), "c": campaign.pk, "name": "x"}, content, session_token_for("writer", campaign)
    ).json()
    # then
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": reason,
        "field": "file",
        **extensions,
    }
    assert _scores(campaign) == before
    assert ScoredFile.objects.count() == 0


def test_blacklist_blocks_matching_entries_and_keeps_them(campaign):
    # given: fan0 scored true
    Entry.objects.filter(email="fan0@example.com").update(score=0.9)
    content = b"email\nFan0@Example.com\n+1 212 555 0102\nnobody@example.com\n"
    # when
    body = post_multipart(BLACKLIST, {"size": len(content)}, content, session_token_for("supreme")).json()
    again = post_multipart(BLACKLIST, {"size": len(content)}, content, session_token_for("supreme")).json()
    # then: additive (no duplicates), matching entries blocked but kept
    assert body["data"]["uploadBlacklist"]["report"] == {"in": 3, "added": 3, "entriesBlocked": 2}
    assert again["data"]["uploadBlacklist"]["report"] == {"in": 3, "added": 0, "entriesBlocked": 0}
    assert BlacklistEntry.objects.count() == 3
    assert Entry.objects.count() == 4
    assert _scores(campaign)["fan0@example.com"] == (0.9, False)
    assert _scores(campaign)["fan2@example.com"] == (None, False)
    # and a scored file cannot turn a blacklisted fan back to true
    scored = b"email,score,verdict\nfan0@example.com,0.95,true\n"
    post_multipart(
        SCORED, {"size": len(scored), "c": campaign.pk, "name": "x"}, scored, session_token_for("writer", campaign)
    )
    assert _scores(campaign)["fan0@example.com"] == (0.95, False)


def test_blacklist_is_supreme_only(campaign):
    content = b"fan0@example.com\n"
    body = post_multipart(BLACKLIST, {"size": len(content)}, content, session_token_for("writer", campaign)).json()
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "SUPREME_USER_REQUIRED"}
    assert BlacklistEntry.objects.count() == 0


def test_bad_blacklist_line_is_named(campaign):
    content = b"ok@example.com\nnot a phone\n"
    body = post_multipart(BLACKLIST, {"size": len(content)}, content, session_token_for("supreme")).json()
    assert body["errors"][0]["message"] == "Line 2: 'not a phone' is not an email address or a phone number."
    assert BlacklistEntry.objects.count() == 0


def test_tags_then_flip_verdicts_block_and_allow(gql, campaign):
    # given
    token = session_token_for("writer", campaign)
    # when: two fans tagged by email (one twice), then blocked, then allowed
    tagged = gql.execute(
        ADD_TAGS,
        {
            "c": campaign.pk,
            "r": ["FAN0@example.com", "fan1@example.com", "fan1@example.com", "x@example.com"],
            "f": "email",
            "t": "vip",
        },
        token=token,
    )
    retag = gql.execute(ADD_TAGS, {"c": campaign.pk, "r": ["fan0@example.com"], "f": "email", "t": "vip"}, token=token)
    blocked = gql.execute(FLIP, {"c": campaign.pk, "t": "vip", "f": "block"}, token=token)
    after_block = _scores(campaign)
    allowed = gql.execute(FLIP, {"c": campaign.pk, "t": "vip", "f": "allow"}, token=token)
    # then
    assert tagged["data"]["addTags"] == {"count": 2}
    assert retag["data"]["addTags"] == {"count": 0}
    assert blocked["data"]["flipVerdicts"] == {"count": 2}
    assert [after_block[f"fan{n}@example.com"][1] for n in range(4)] == [False, False, True, True]
    assert allowed["data"]["flipVerdicts"] == {"count": 2}
    assert all(verdict for _, verdict in _scores(campaign).values())
    stat = Stat.objects.get(type="filterList", date_id="vip")
    assert (stat.status, stat.count, stat.meta) == (
        "FINISHED",
        {"tagged": 2, "updated": 2},
        {"tagName": "vip", "filterType": "allow"},
    )


def test_tags_by_member_id_and_bad_target_field(gql, campaign):
    token = session_token_for("writer", campaign)
    ok = gql.execute(ADD_TAGS, {"c": campaign.pk, "r": ["m3"], "f": "memberId", "t": "t1"}, token=token)
    bad = gql.execute(ADD_TAGS, {"c": campaign.pk, "r": ["m3"], "f": "zip", "t": "t1"}, token=token)
    assert ok["data"]["addTags"] == {"count": 1}
    assert Entry.objects.get(fan__member_id="m3").tags == {"t1": True}
    assert bad["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "invalidTargetField",
        "field": "targetField",
    }


def test_fanlist_xnum_translates_ranks_and_keeps_the_best(gql):
    # given: a fanlist campaign scored by position
    fanlist = Campaign.objects.create(
        name="Fanlist", type="fanlist", identifier="memberId", options={"scoring": "xnum"}
    )
    content = b"memberId,rank\nm1,1\nm2,2\nm3,4\nm2,3\n"
    token = session_token_for("writer", fanlist)
    # when
    body = post_multipart(FANLIST, {"size": len(content), "c": fanlist.pk}, content, token).json()
    uploads = gql.execute(
        "query Q($id: String) { viewer { campaign(id: $id) { ... on FanlistCampaign { uploads { rows rowsIn status } } } } }",
        {"id": fanlist.pk},
        token=token,
    )
    # then: score = 1 - (rank - 1) / 4; m2 keeps its better rank
    assert body["data"]["uploadFanlist"]["report"] == {"status": "FINISHED", "rowsIn": 4, "rows": 3}
    assert dict(FanlistRecord.objects.values_list("identifier", "score")) == {"m1": 1.0, "m2": 0.75, "m3": 0.25}
    assert uploads["data"]["viewer"]["campaign"]["uploads"] == [{"rows": 3, "rowsIn": 4, "status": "FINISHED"}]


def test_fanlist_raw_scores_must_be_between_0_and_1(campaign):
    fanlist = Campaign.objects.create(name="Fanlist", type="fanlist", identifier="email", options={"scoring": "raw"})
    content = b"email,score\na@example.com,0.5\nb@example.com,3\n"
    body = post_multipart(
        FANLIST, {"size": len(content), "c": fanlist.pk}, content, session_token_for("writer", fanlist)
    ).json()
    registration = post_multipart(
        FANLIST, {"size": len(content), "c": campaign.pk}, content, session_token_for("writer", campaign)
    ).json()
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_RANK",
        "field": "file",
        "line": 3,
    }
    assert registration["errors"][0]["extensions"]["reason"] == "NOT_FANLIST_CAMPAIGN"
    assert FanlistRecord.objects.count() == 0


def test_upsert_stat_then_read_stats(gql, campaign):
    # given
    token = session_token_for("writer", campaign)
    market = campaign.markets.get()
    upsert = """
    mutation U($c: ID!, $m: ID, $s: String, $count: JSON) {
      upsertStat(campaignId: $c, marketId: $m, dateId: "2026-11-21", type: selection, status: $s, count: $count) {
        campaignId marketId dateId type status count
      }
    }"""
    # when: created, then updated (count kept when absent)
    first = gql.execute(
        upsert, {"c": campaign.pk, "m": market.pk, "s": "PENDING", "count": {"selected": 0}}, token=token
    )
    second = gql.execute(upsert, {"c": campaign.pk, "m": market.pk, "s": "FINISHED"}, token=token)
    bad = gql.execute(upsert, {"c": campaign.pk, "m": market.pk, "s": "DONE"}, token=token)
    read = gql.execute(
        "query R($c: ID!) { stats(campaignId: $c, type: selection) { marketId status count date { created updated } } }",
        {"c": campaign.pk},
        token=session_token_for("reader", campaign),
    )
    # then
    assert first["data"]["upsertStat"] == {
        "campaignId": campaign.pk,
        "marketId": market.pk,
        "dateId": "2026-11-21",
        "type": "selection",
        "status": "PENDING",
        "count": {"selected": 0},
    }
    assert second["data"]["upsertStat"]["status"] == "FINISHED" and second["data"]["upsertStat"]["count"] == {
        "selected": 0
    }
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": "INVALID_STATUS", "field": "status"}
    rows = read["data"]["stats"]
    assert [(r["marketId"], r["status"], r["count"]) for r in rows] == [(market.pk, "FINISHED", {"selected": 0})]
    assert Stat.objects.count() == 1
