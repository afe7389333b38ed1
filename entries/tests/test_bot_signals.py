"""The bot score's signals, one by one (``entries.services.bot_signals``): each says one thing, with exact values."""

import numpy as np

from entries.models import ScoreSignal
from entries.services.bot_signals import (
    DEFAULT_WEIGHTS,
    band,
    block_browser_excess,
    block_burst_excess,
    burst_counts,
    disposable,
    mail_domain,
    mailbox,
    phone_line_suspect,
    phone_range,
    ramp,
    score_from_points,
    signal_strengths,
    weights_for,
)


def test_a_north_american_number_tells_nothing_about_its_line():
    # given numbers of North America (FIXED_LINE_OR_MOBILE to phonenumbers), a UK mobile, a UK landline, a VoIP line
    # then only the landline and the VoIP number abroad count
    assert [
        phone_line_suspect(phone)
        for phone in ("+12125550123", "+14165550123", "+447700900123", "+442079460123", "+445601234567", "", "x")
    ] == [0, 0, 0, 1, 1, 0, 0]


def test_a_number_belongs_to_its_block_of_one_hundred():
    assert (phone_range("+12125550123"), phone_range("+12125550199"), phone_range("")) == (
        "+121255501",
        "+121255501",
        "",
    )


def test_dots_and_tags_are_dropped_only_where_the_provider_ignores_them():
    # given addresses written differently
    # then Gmail ignores dots and +tags, Outlook only +tags, any other provider nothing
    assert [
        mailbox(email)
        for email in (
            "J.O.Hn.Smith+presale@Gmail.com",
            "johnsmith@googlemail.com",
            "john.smith+x@outlook.com",
            "john.smith+x@example.com",
            "nobody",
        )
    ] == [
        "johnsmith@gmail.com",
        "johnsmith@gmail.com",
        "john.smith@outlook.com",
        "john.smith+x@example.com",
        "",
    ]


def test_disposable_domains_come_from_the_package_and_from_staff():
    assert (mail_domain("A@Mailinator.COM"), mail_domain("nobody")) == ("mailinator.com", "")
    assert [disposable(d, {"throwaway.example"}) for d in ("mailinator.com", "throwaway.example", "gmail.com", "")] == [
        1,
        1,
        0,
        0,
    ]


def test_burst_counts_look_a_minute_either_side_within_each_group():
    # given registrations of groups 5 and 7 (0 = unknown) at these seconds
    groups = np.array([5, 5, 5, 5, 7, 7, 0, 0])
    seconds = np.array([0.0, 30.0, 60.0, 200.0, 10.0, 100.0, 0.0, 1.0])
    # then each counts its group's registrations within 60 s either side, itself included; unknown ones none
    assert burst_counts(groups, seconds).tolist() == [3, 3, 3, 1, 1, 1, 0, 0]


def test_a_carrier_nat_keeping_its_share_through_a_launch_is_no_burst_but_a_farm_switched_on_is():
    # given a crowd of 1,000 at the same minute: 400 behind one carrier NAT (block 1), 600 elsewhere (blocks 2..601)
    blocks = np.array([1] * 400 + list(range(2, 602)))
    seconds = np.zeros(1000)
    # then the NAT keeps its share: nothing in excess
    assert block_burst_excess(blocks, seconds).max() == 0
    # given the same NAT over a week, and a farm (block 9999) firing 50 accounts within a minute of that week
    rng = np.random.default_rng(1)
    blocks = np.array([1] * 400 + list(range(2, 552)) + [9999] * 50)
    seconds = np.r_[rng.uniform(0, 604800, 950), rng.uniform(1000, 1050, 50)]
    excess = block_burst_excess(blocks, seconds)
    # then only the farm's accounts are in excess, each by 50 - 6 = 44 (its expected count is far below 6)
    assert excess[:950].max() == 0
    assert excess[950:].min() >= 40


def test_one_browser_from_one_block_far_beyond_its_share():
    # given two NATs (blocks 1, 3) whose 300 fans each use 3 browsers in the crowd's shares, and a farm (block 2) of
    # 60 accounts all on the least common of them
    nat = [10] * 200 + [11] * 80 + [12] * 20
    blocks = np.array([1] * 300 + [2] * 60 + [3] * 300)
    browsers = np.array(nat + [12] * 60 + nat)
    excess = block_browser_excess(blocks, browsers)
    # then the NATs' fans are within their share, the farm's accounts far beyond (60 against 3 × 60 × 100/660)
    assert excess[:300].max() == 0 and excess[360:].max() == 0
    assert round(float(excess[300]), 2) == round(60 - 3 * 60 * 100 / 660, 2) == 32.73


def test_strengths_ramp_from_nothing_to_full():
    assert ramp(np.array([0.0, 2.0, 3.5, 5.0, 9.0]), 2, 5).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    nan = float("nan")
    strengths = signal_strengths(
        phone_line=np.array([1, 0]),
        disposable_mail=np.array([0, 1]),
        phone_sharers=np.array([2, 5]),
        range_sharers=np.array([4, 8]),
        mailbox_sharers=np.array([1, 2]),
        burst=np.array([0.0, 30.0]),
        block_browser=np.array([10.0, 0.0]),
        confirmed=np.array([1, 0]),
        account_age_days=np.array([nan, 0.5]),
        completion_ms=np.array([nan, 1500.0]),
        past_blocked=np.array([0, 2]),
    )
    assert {ScoreSignal(signal).name: strength.tolist() for signal, _, strength in strengths} == {
        "PHONE_LINE": [1.0, 0.0],
        "DISPOSABLE_EMAIL": [0.0, 1.0],
        "SHARED_PHONE": [0.0, 1.0],
        "PHONE_RANGE": [0.0, 1.0],
        "SHARED_MAILBOX": [0.0, 1.0],
        "BLOCK_BURST": [0.0, 1.0],
        "BLOCK_BROWSER": [0.5, 0.0],
        "UNVERIFIED": [0.0, 1.0],
        "ACCOUNT_AGE": [0.0, 1.0],
        "COMPLETION_TIME": [0.0, 1.0],
        "PAST_BLOCKED": [0.0, 1.0],
    }


def test_scores_fall_onto_the_catalogs_bands_and_campaigns_may_weigh_signals():
    assert score_from_points(np.array([0.0, 0.03, 0.1, 0.3, 2.0])).tolist() == [1.0, 0.97, 0.9, 0.7, 0.22]
    assert [band(score) for score in (1.0, 0.95, 0.9, 0.8, 0.79, None)] == [
        "high",
        "high",
        "mid",
        "mid",
        "low",
        "unscored",
    ]
    weights = weights_for({"botScore": {"weights": {"completionTime": 0.5}}})
    assert weights == {**DEFAULT_WEIGHTS, "completionTime": 0.5}
