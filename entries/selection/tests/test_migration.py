"""The selection package moved out of ``entries`` in place: a database holding wave preps, allocations and
waves from the earlier schema migrates without copying a row, and permissions on them carry over."""

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Fan
from entries.selection.models import Allocation, AppliedMarket, Wave, WavePrep, WavePrepFile
from entries.selection.tests.selection_factory import closed_campaign

BEFORE_THE_MOVE = [("entries", "0004_wave_prep_selection_waves"), ("selection", None)]
WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_runs_and_permissions():
    # Given a database at the schema before the move (wave prep models in the entries app) ...
    old = _migrate(BEFORE_THE_MOVE)
    try:
        campaign, markets = closed_campaign(markets=2)
        # (entries written with the model as it was then: today's has columns that schema lacks)
        old_entry = old.get_model("entries", "Entry")
        entries = [
            old_entry.objects.create(
                campaign_id=campaign.pk,
                fan_id=Fan.objects.create(global_user_id=f"moved-{n}", email=f"moved{n}@example.com").pk,
                market_0_id=market.pk,
                score=score,
                verdict=True,
            )
            for n, (market, score) in enumerate(zip(markets, (0.9, 0.5), strict=True))
        ]
        # ... holding a run's files, a run, its allocations, an applied market and a wave, written with the
        # models as they were then
        old_file = old.get_model("entries", "WavePrepFile").objects.create(
            campaign_id=campaign.pk, date_key="d1", type="markets", name="d1.csv", path="wavePrep/x/data/d1.csv", rows=2
        )
        old_prep = old.get_model("entries", "WavePrep").objects.create(
            campaign_id=campaign.pk, date_key="d1", status="FINISHED", seed=42, reserve_id=uuid.uuid4()
        )
        old_allocation = old.get_model("entries", "Allocation")
        old_allocation.objects.bulk_create(
            old_allocation(
                wave_prep_id=old_prep.pk,
                entry_id=entry.pk,
                market_id=entry.market_0_id,
                outcome="selected",
                preference_rank=0,
                position=n,
                code=f"CODE{n}",
            )
            for n, entry in enumerate(entries)
        )
        old.get_model("entries", "AppliedMarket").objects.create(
            wave_prep_id=old_prep.pk, market_id=markets[0].pk, date_applied=WHEN
        )
        old_wave = old.get_model("entries", "Wave").objects.create(
            campaign_id=campaign.pk,
            name="wave 1",
            csv_path="waves/x.csv",
            date_notify=WHEN,
            date_begin=WHEN,
            date_end=WHEN,
        )
        # ... and a staff member allowed to view wave preps there
        content_type = ContentType.objects.get(app_label="entries", model="waveprep")
        staff = get_user_model().objects.create_user("auditor", password="pw-Auditor-123!", is_staff=True)
        staff.user_permissions.add(Permission.objects.get(content_type=content_type, codename="view_waveprep"))
    finally:
        # When the database migrates to today's schema
        _migrate(_latest())

    # Then every row is read through the selection app's models, unchanged and in the same tables
    assert WavePrep._meta.db_table == "entries_waveprep"
    prep = WavePrep.objects.get()
    assert (prep.pk, prep.date_key, prep.seed, prep.status) == (old_prep.pk, "d1", 42, "FINISHED")
    assert WavePrepFile.objects.get().pk == old_file.pk
    assert sorted(Allocation.objects.values_list("entry_id", "code")) == [
        (entries[0].pk, "CODE0"),
        (entries[1].pk, "CODE1"),
    ]
    assert list(AppliedMarket.objects.values_list("market_id", flat=True)) == [markets[0].pk]
    assert Wave.objects.get().pk == old_wave.pk
    assert list(prep.allocations.order_by("position").values_list("code", flat=True)) == ["CODE0", "CODE1"]
    # And the content type moved to the new app (same row), so the granted permission still holds
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("selection", "waveprep")
    assert not ContentType.objects.filter(app_label="entries", model__in=["waveprep", "wave", "allocation"]).exists()
    staff = get_user_model().objects.get(pk=staff.pk)
    assert staff.has_perm("selection.view_waveprep")
