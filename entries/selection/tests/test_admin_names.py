"""Names, not ids, in the selection admin: the markets file comes filled in, and messages name the run."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from entries.selection.tests.selection_factory import add_entries, closed_campaign

pytestmark = pytest.mark.django_db


def test_the_markets_file_downloads_with_the_campaigns_ids_and_names(admin_client):
    # Given a campaign with two markets, when staff download its markets file from the campaign page
    campaign, (a, b) = closed_campaign(markets=2, populations=[5, None])
    page = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    url = f"/admin/campaigns/campaign/{campaign.pk}/markets-template/"
    assert url in page
    response = admin_client.get(url)
    # Then each market is a line with its id, a limit and its name, ready for the wave prep form
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(row["market_id"], row["limit"], row["market_name"]) for row in rows] == [
        (a.pk, "5", "Market 0"),
        (b.pk, "0", "Market 1"),
    ]


def test_a_queued_wave_prep_is_named_with_its_date_key_and_campaign(admin_client, django_capture_on_commit_callbacks):
    campaign, (a,) = closed_campaign(name="Metallica – WorldWired Tour", markets=1)
    add_entries(campaign, [((a.pk,), 0.9, True)])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/selection/waveprep/add/",
            {
                "campaign": campaign.pk,
                "date_key": "20261201",
                "markets_file": SimpleUploadedFile("m.csv", f"market_id,limit\n{a.pk},1\n".encode()),
            },
        )
    assert response.status_code == 302
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(text.startswith("Wave prep 20261201 for Metallica – WorldWired Tour queued (seed ") for text in texts), (
        texts
    )
