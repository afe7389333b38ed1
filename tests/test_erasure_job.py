"""Erasure as a job (issue 36, item 1), through real processes: gunicorn and a Celery worker (two processes, a
private Redis broker) on the test database, a campaign of 20,000 generated entries with a 200,000-line scored file.

While the erasure of one of its fans waits for an assignment in flight in that campaign (another session holds the
campaign's code-holder lock), the REST call has long answered 202, code assignment in another campaign goes on
at once, and an export of the fan's campaign runs; once the assignment commits, the job erases the fan, scrubs the
scored file after its database part, and removes the export file written meanwhile. Before this, the REST call
held a web worker for the whole erasure (an HTML 500 after 31 s at 1M entries) and one system-wide key made
assignments elsewhere wait for it."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus
from codes.models import Code
from codes.services.inventory import lock_code_holders
from conftest import held_in_another_session, session_token_for
from entries.models import Entry, ScoredFile
from entries.selection.tests.selection_factory import add_entries, closed_campaign
from exports.models import Export, ExportStatus
from monoql.audit import AuditEntry
from monoql.models import Erasure
from tests.processes import free_port, private_redis, shared_database_url, wait_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
ENTRIES = 20_000
SCORED_LINES = 200_000


def _call(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict, dict, float]:
    """``(status, JSON body, headers, seconds)`` of one REST call to the server under test."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers), time.monotonic() - started


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_erasure_runs_as_a_job_beside_exports_and_other_campaigns_assignments(tmp_path):
    # given a closed campaign of 20,000 fans with a 200,000-line scored file naming one of them, and another
    # campaign with codes to assign
    campaign, (market,) = closed_campaign(name="Large Tour", markets=1)
    entries = add_entries(campaign, [([market.pk], 0.5, True)] * ENTRIES)
    erased = entries[7]
    lines = [f"{entries[n % ENTRIES].email},0.{n % 9}\n" for n in range(SCORED_LINES)]
    scored_key = default_storage.save("scored/large.csv", ContentFile(("email,score\n" + "".join(lines)).encode()))
    ScoredFile.objects.create(name="large.csv", path=scored_key, campaign=campaign, status="FINISHED")
    other = Campaign.objects.create(name="Other Tour", status=CampaignStatus.OPEN)
    now = timezone.now()
    Code.objects.bulk_create(Code(campaign=other, code=f"OTHER-{n}", type="tm", date_saved=now) for n in range(20))
    token = session_token_for("supreme")
    redis_port, port = free_port(), free_port()
    redis = private_redis(redis_port)
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "JOB_HEARTBEAT_SECONDS": "1",
        "RATE_LIMIT_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    logs = {name: open(tmp_path / f"{name}.log", "wb") for name in ("gunicorn", "worker")}
    processes = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "monoql.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=logs["gunicorn"],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "monoql",
                "worker",
                "-c",
                "2",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        wait_port(port)
        for _ in range(4):  # both gunicorn workers load the app before anything is timed
            assert _call(port, "GET", "/api/privacy/erasures/0", token)[0] == 404
        with held_in_another_session(lambda: lock_code_holders(campaign.pk), seconds=60):
            # when, while an assignment in the fan's campaign is in flight, a supreme user erases the fan over REST
            status, body, headers, seconds = _call(port, "POST", "/api/privacy/erase", token, {"fanId": erased.fan_id})
            # then the answer comes at once (the erasure itself waits up to 30 s for that lock): 202 and where to
            # follow the job
            assert (status, body["status"]) == (202, "PENDING") and seconds < 5
            location = headers["Location"]
            assert location == f"/api/privacy/erasures/{body['erasureId']}"
            # and the job is erasing: it waits for that campaign's assignment only
            _wait(lambda: _call(port, "GET", location, token)[1]["status"] == "ERASING", 30, "the job to start")
            # and meanwhile another campaign assigns codes at once, one call after another
            for n in range(5):
                status, body, _, seconds = _call(
                    port, "POST", f"/api/codes/{other.pk}/assign", token, {"codes": [f"OTHER-{n}"]}
                )
                assert (status, body["count"]["updated"], seconds < 1) == (200, 1, True)
            # and an export of the fan's campaign runs and finishes
            status, body, _, _ = _call(
                port, "POST", f"/api/campaigns/{campaign.pk}/exports", token, {"exportType": "scoring"}
            )
            assert status == 201
            export = Export.objects.get(pk=body["id"])
            _wait(lambda: Export.objects.get(pk=export.pk).status == ExportStatus.FINISHED, 60, "the export")
            assert Fan.objects.filter(pk=erased.fan_id).exists()  # not yet: the assignment holds the campaign
        # when the assignment commits, then the job erases the fan and scrubs the files after
        job = _wait(
            lambda: (doc := _call(port, "GET", location, token)[1])["status"] in ("FINISHED", "FAILED") and doc,
            90,
            "the erasure to finish",
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
        redis.kill()
        redis.wait(5)
    assert (job["status"], job["error"], job["attempts"]) == ("FINISHED", None, 1), job
    assert job["report"]["entries"] == 1 and job["report"]["fileLines"] == SCORED_LINES // ENTRIES
    assert job["report"]["exportFiles"] == 1 and job["dateErased"] <= job["dateFinished"]
    assert not Fan.objects.filter(pk=erased.fan_id).exists()
    assert Entry.objects.filter(campaign=campaign).count() == ENTRIES - 1
    with default_storage.open(scored_key, "rb") as handle:
        scored = handle.read().decode()
    assert erased.email not in scored and scored.count("\n") == 1 + SCORED_LINES - SCORED_LINES // ENTRIES
    # and the export written during the erasure no longer has a file; the other campaign's five codes are assigned
    export.refresh_from_db()
    assert export.date_file_removed is not None and not default_storage.exists(export.path)
    assert Code.objects.filter(campaign=other, date_assigned__isnull=False).count() == 5
    # and the job forgot the fan; the audit log has the erasure's two rows, by the supreme user over REST
    erasure = Erasure.objects.get()
    assert (erasure.fan_ref, erasure.digests) == ("", None)
    rows = AuditEntry.objects.filter(action__startswith="fan.erase").order_by("pk")
    assert [(row.action, row.channel, row.actor_label) for row in rows] == [
        ("fan.erase", "rest", "supreme@example.com"),
        ("fan.eraseFiles", "rest", "supreme@example.com"),
    ]
