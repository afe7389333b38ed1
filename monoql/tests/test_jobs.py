"""monoql.jobs: the heartbeat is written from its own connection and fenced; temporary files of dead workers
are swept (Faults, round two, item 4)."""

import os

import pytest
from django.db import connection, connections, transaction

from campaigns.models import Campaign
from exports.models import Export
from monoql.jobs import Heartbeat, job_temp_dir, sweep_temp_files


@pytest.fixture
def temp_dir(settings, tmp_path):
    settings.JOB_TEMP_DIR = str(tmp_path / "jobs")
    return tmp_path / "jobs"


@pytest.mark.django_db(transaction=True)
def test_a_busy_job_still_shows_it_lives_and_a_superseded_one_does_not(require_postgres):
    # given an export job that attempt 2 owns
    campaign = Campaign.objects.create(name="Heartbeat Tour")
    export = Export.objects.create(campaign=campaign, export_type="entries", attempts=2)
    beats = Export.objects.filter(pk=export.pk, heartbeat_at__isnull=False)

    # when a zombie attempt 1 beats while its connection sleeps in one statement
    with Heartbeat(Export._meta.db_table, export.pk, fence=1, interval=0.05), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.3)")
    zombie = beats.exists()
    # and then attempt 2 does the same inside a transaction
    with transaction.atomic(), Heartbeat(Export._meta.db_table, export.pk, fence=2, interval=0.05):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.3)")
        other = connections.create_connection("default")  # what another process sees before the commit
        with other.cursor() as cursor:
            cursor.execute("SELECT heartbeat_at IS NOT NULL FROM exports_export WHERE id = %s", [export.pk])
            seen_outside = cursor.fetchone()[0]
        other.close()

    # then only the current attempt's heartbeat was written, visible while the job's transaction is open
    assert (zombie, seen_outside) == (False, True)


def test_temporary_files_of_dead_workers_are_swept_and_live_ones_kept(temp_dir):
    # given files of a process that has exited, of this process, and of a living other process
    job_temp_dir()
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    (temp_dir / f"export-a.{dead}.x.csv").write_text("fans' data")
    (temp_dir / f"export-b.{os.getpid()}.y.csv").write_text("being written")
    (temp_dir / f"export-c.{os.getppid()}.z.csv").write_text("a sibling worker's")

    # when a worker starts
    removed = sweep_temp_files()

    # then only the dead process's file is gone
    assert removed == [f"export-a.{dead}.x.csv"]
    assert sorted(path.name for path in temp_dir.iterdir()) == [
        f"export-b.{os.getpid()}.y.csv",
        f"export-c.{os.getppid()}.z.csv",
    ]
