"""Faults, round two (item 4), through real processes: a Celery worker SIGKILLed in the middle of a wave prep,
a selection and an export on PostgreSQL. The beat's sweeper (``JOB_STALE_SECONDS`` = 6 here) re-queues each job
to the next worker: each ends FINISHED with the result of an uninterrupted run, no code is reserved or assigned
twice, and no temporary file of fans' data is left behind.

The broker is a private Redis the test starts itself; the workers use the test database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Stat
from entries.selection.models import Allocation, WavePrep
from entries.selection.services.selection import trigger_selection
from entries.selection.services.wave_prep import trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from exports.models import Export
from exports.services.exports import schedule_export
from monoql.celery import app
from tests.processes import free_port, private_redis, shared_database_url

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "tests" / "fixtures" / "killable_worker.py"


def _until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class Cluster:
    """A private Redis broker, the sweeping beat and one worker at a time, on the test database."""

    def __init__(self, work: Path):
        self.work = work
        self.temp = work / "jobs"
        self.temp.mkdir()
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": shared_database_url(),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.port}/0",
            "REDIS_URL": "",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "JOB_TEMP_DIR": str(self.temp),
            "JOB_HEARTBEAT_SECONDS": "1",
            "JOB_STALE_SECONDS": "6",
            "JOB_SWEEP_SECONDS": "1",
            "EXPORT_MAX_BYTES_PER_SECOND": "0",
            "PAUSE_DIR": str(work),
            "PYTHONPATH": str(ROOT),
        }
        self.redis = private_redis(self.port)
        self.processes: list[subprocess.Popen] = []
        self.beat = self._start("beat")
        self.worker: subprocess.Popen | None = None

    def _start(self, role: str) -> subprocess.Popen:
        log = open(self.work / f"{role}-{len(self.processes)}.log", "wb")
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), role], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        self.worker = self._start("worker")
        return self.worker

    def kill_worker_in(self, kind: str) -> int:
        """Wait until the worker pauses inside a job of ``kind``, then SIGKILL it; returns its pid."""
        marker = self.work / kind
        _until(marker.exists, 60, f"the worker to reach the middle of {kind}")
        pid = int(_until(lambda: marker.read_text().strip(), 5, "the marker's pid"))
        assert self.worker is not None and pid == self.worker.pid
        os.kill(pid, signal.SIGKILL)
        self.worker.wait(10)
        return pid

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.kill()
        self.redis.wait(5)


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False  # this process queues to the private broker like the web tier does
    app.conf.broker_url = cluster.env["CELERY_BROKER_URL"]
    try:
        yield cluster
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app.pool.force_close_all()
        cluster.stop()
        connections.close_all()


def _outcome(wave_prep_id):
    return sorted(
        Allocation.objects.filter(wave_prep_id=wave_prep_id).values_list("entry_id", "market_id", "outcome", "code")
    )


def test_a_worker_killed_mid_job_no_longer_blocks_wave_prep_selection_or_export(require_postgres, cluster):
    # given a closed campaign: 300 fans over 2 markets, 120 codes
    campaign, (a, b) = closed_campaign(markets=2, populations=[70, 50])
    add_codes(campaign, 120)
    add_entries(campaign, [((a.pk, b.pk) if n % 3 else (b.pk, a.pk), (n % 97) / 97, True) for n in range(300)])
    params = {"campaign_id": campaign.pk, "date_key": "killed", "seed": 2022}

    # when the worker is SIGKILLed in the middle of the wave prep (outcomes written, not committed)
    cluster.start_worker()
    wave_prep = trigger_wave_prep(**params, actor=TEST_ACTOR)
    killed = cluster.kill_worker_in("wave_prep")
    cluster.start_worker()
    # then the sweeper hands it to the next worker, which finishes it on attempt 2
    _until(lambda: WavePrep.objects.get(pk=wave_prep.pk).status == "FINISHED", 90, "the wave prep to finish")
    after_kill = _outcome(wave_prep.pk)
    assert WavePrep.objects.get(pk=wave_prep.pk).attempts == 2
    # with the result of an uninterrupted run (the same run triggered again, same seed)
    trigger_wave_prep(**params, actor=TEST_ACTOR)
    _until(lambda: WavePrep.objects.get(pk=wave_prep.pk).status == "FINISHED", 60, "the clean re-run")
    assert _outcome(wave_prep.pk) == after_kill
    selected = [(code, entry) for entry, _, outcome, code in after_kill if outcome == "selected"]
    assert len(selected) == 120 and len({code for code, _ in selected}) == 120
    reserved = Code.objects.filter(campaign=campaign, date_reserved__isnull=False)
    assert reserved.count() == 120

    # when the worker is SIGKILLed in the middle of a market's selection (codes assigned, not committed)
    trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk, b.pk], actor=TEST_ACTOR)
    cluster.kill_worker_in("selection")
    cluster.start_worker()
    stats = Stat.objects.filter(campaign=campaign, type="selection")
    _until(
        lambda: sorted(stats.values_list("status", flat=True)) == ["FINISHED", "FINISHED"], 90, "selection to finish"
    )
    # then every selected fan holds exactly the code the wave prep planned, each code assigned once
    assigned = Code.objects.filter(campaign=campaign, date_assigned__isnull=False)
    assert sorted(assigned.values_list("code", "entry_id")) == sorted(selected)
    assert max(stats.values_list("attempts", flat=True)) == 2

    # when the worker is SIGKILLed while an export of the entries is being written
    export, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    dead = cluster.kill_worker_in("export")
    left = sorted(path.name for path in cluster.temp.iterdir())
    assert left and all(f".{dead}." in name for name in left)  # the dead worker's partial file of fans' data
    cluster.start_worker()
    # then the next worker removes the partial file, and the export finishes on attempt 2 with every entry
    _until(lambda: Export.objects.get(pk=export.pk).status == "FINISHED", 90, "the export to finish")
    finished = Export.objects.get(pk=export.pk)
    assert (finished.count, finished.attempts) == (300, 2)
    assert list(cluster.temp.iterdir()) == []
    assert killed != dead
