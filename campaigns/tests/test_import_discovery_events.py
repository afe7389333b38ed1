"""manage.py import_discovery_events on every file of ../shared/data/discovery/."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Artist, Campaign, Market, Venue

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("import_discovery_events", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_metallica_tour_gives_sixteen_markets(discovery_dir):
    # when
    run(discovery_dir / "events-page.json", "--attraction", "Metallica", "--domain", "Metallica.localhost")
    # then
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.tour_name, campaign.artist.name, campaign.domain_site) == (
        "Metallica - WorldWired Tour 2017",
        "WorldWired Tour 2017",
        "Metallica",
        "metallica.localhost",
    )
    assert campaign.markets.count() == 16
    chicago = campaign.markets.get(name="Chicago, IL")
    assert (chicago.city, chicago.state, chicago.country, chicago.timezone) == (
        "Chicago",
        "IL",
        "US",
        "America/Chicago",
    )
    assert (chicago.latitude, chicago.longitude) == (41.86205404, -87.61682143)
    assert chicago.event_ids == ["vv1A7ZAa6GkePGvDd"]
    assert chicago.event_date.isoformat() == "2017-06-18T23:00:00+00:00"
    assert chicago.event_presale_date_time.isoformat() == "2017-02-14T17:00:00+00:00"
    assert chicago.event_venue_name == "Soldier Field" and chicago.promoter_ids == ["653"]
    assert sorted(campaign.markets.filter(country="CA").values_list("name", flat=True)) == [
        "Edmonton, AB",
        "Toronto, ON",
    ]
    assert (
        campaign.date_general_onsale is not None and campaign.date_presale_window_start < campaign.date_general_onsale
    )


def test_default_attraction_is_the_one_heading_most_events(discovery_dir):
    run(discovery_dir / "events-page.json")
    assert Campaign.objects.get().artist.discovery_id == "K8vZ9171G9V"
    assert Market.objects.count() == 16


def test_garth_brooks_venue_becomes_one_market_with_four_events(discovery_dir):
    # when
    run(discovery_dir / "events-page.json", "--attraction", "K8vZ9171aAV")
    # then
    market = Market.objects.get()
    assert market.name == "Las Cruces, NM"
    assert market.event_ids == ["vvG1YZfNJnHf0n", "vvG1YZfNJnWf0w", "vvG1YZfNJlFfJM", "vvG1YZfNJlafEa"]
    assert market.event_date.isoformat() == "2017-04-08T01:00:00+00:00"


def test_rerun_updates_in_place_and_never_duplicates(discovery_dir):
    # given
    run(discovery_dir / "events-page.json", "--attraction", "Metallica", "--domain", "metallica.localhost")
    campaign = Campaign.objects.get()
    market_ids = set(campaign.markets.values_list("id", flat=True))
    # when
    out = run(discovery_dir / "events-page.json", "--attraction", "Metallica", "--domain", "metallica.localhost")
    run(discovery_dir / "events-page.json", "--attraction", "Metallica", "--campaign", campaign.pk, "--name", "Renamed")
    # then
    assert "0 markets created, 16 updated" in out
    assert Campaign.objects.count() == 1 and Campaign.objects.get().name == "Renamed"
    assert set(Market.objects.values_list("id", flat=True)) == market_ids
    assert Artist.objects.count() == 1 and Venue.objects.count() == 16


@pytest.mark.parametrize(
    "name, markets, event_ids",
    [("get-event.json", 1, ["G5diZfkn0B-bh"]), ("search-events.json", 1, ["vvG1VZKS5pr1qy"])],
)
def test_single_event_files_import(discovery_dir, name, markets, event_ids):
    run(discovery_dir / name)
    assert Market.objects.count() == markets
    assert Market.objects.get().event_ids == event_ids


@pytest.mark.parametrize(
    "name, message",
    [
        ("get-attraction.json", "not a Discovery events response"),
        ("search-attractions.json", "not a Discovery events response (found: attractions)"),
        ("search-venues.json", "not a Discovery events response (found: venues)"),
        ("get-venue.json", "not a Discovery events response"),
    ],
)
def test_files_that_are_not_events_responses_are_refused(discovery_dir, name, message):
    with pytest.raises(CommandError) as raised:
        run(discovery_dir / name)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert (Campaign.objects.count(), Artist.objects.count(), Venue.objects.count()) == (0, 0, 0)


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    with pytest.raises(CommandError) as raised:
        run(path)
    assert str(raised.value).startswith(f"{path}: not JSON:")
    assert Campaign.objects.count() == 0


def test_unknown_attraction_is_refused_and_writes_nothing(discovery_dir):
    with pytest.raises(CommandError) as raised:
        run(discovery_dir / "events-page.json", "--attraction", "Nobody")
    assert str(raised.value).endswith("no attraction matches 'Nobody' in this file")
    assert (Campaign.objects.count(), Artist.objects.count(), Venue.objects.count()) == (0, 0, 0)


def test_missing_file_and_unknown_campaign_are_refused(discovery_dir, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "absent.json")
    with pytest.raises(CommandError, match="no campaign with id 'abc'"):
        run(discovery_dir / "events-page.json", "--campaign", "abc")
    assert Venue.objects.count() == 0


def test_domain_taken_by_another_campaign_is_refused(discovery_dir):
    run(discovery_dir / "events-page.json", "--attraction", "Metallica", "--domain", "taken.localhost")
    with pytest.raises(CommandError, match="domain 'taken.localhost' is already used"):
        run(discovery_dir / "events-page.json", "--attraction", "Garth Brooks", "--domain", "taken.localhost")
    assert Campaign.objects.count() == 1


def test_events_page_without_embedded_events_is_refused(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"_embedded": {"events": []}, "page": {}}))
    with pytest.raises(CommandError, match="holds no events"):
        run(path)
