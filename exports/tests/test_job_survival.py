"""Faults, round two (item 4) for exports: a killed worker, a task that never ran, a failing export run
inline, and a superseded attempt neither block the export nor leave fans' data in a temporary file."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections
from django.utils import timezone

from conftest import TEST_ACTOR
from exports.exporters.entries import EntriesExporter
from exports.models import Export, ExportStatus
from exports.services import exports as service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def temp_dir(settings, tmp_path):
    settings.JOB_TEMP_DIR = str(tmp_path / "jobs")
    return tmp_path / "jobs"


def _silent(export_id, **fields):
    Export.objects.filter(pk=export_id).update(heartbeat_at=timezone.now() - timedelta(minutes=10), **fields)


def test_a_failing_export_run_inline_ends_failed_and_scheduling_again_makes_a_new_one(campaign, settings, temp_dir):
    # given tasks run inline (eager Celery, the embedded default) and an exporter that always fails
    settings.EXPORT_MAX_ATTEMPTS = 2
    with mock.patch.object(EntriesExporter, "write", side_effect=RuntimeError("disk full")):
        # when the export is scheduled (its task runs, is retried, runs out of attempts)
        try:
            export, _ = service.schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
        except RuntimeError:
            export = Export.objects.get(campaign=campaign)
    failed = Export.objects.get(pk=export.pk)
    # then it is FAILED (not a stuck PENDING) and nothing is left in the temporary folder
    assert (failed.status, failed.attempts, failed.error_message) == (ExportStatus.FAILED, 2, "disk full")
    assert list(temp_dir.iterdir()) == []
    # and scheduling it again makes a new export, which finishes
    again, created = service.schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    assert created and again.pk != export.pk
    assert (Export.objects.get(pk=again.pk).status, Export.objects.get(pk=again.pk).count) == (ExportStatus.FINISHED, 3)


def test_a_pending_export_whose_task_never_ran_is_requeued(campaign):
    # given a PENDING export whose queued message was lost
    with mock.patch.object(service, "enqueue_on_commit"):
        export, _ = service.schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    _silent(export.pk)

    # when the sweeper runs (the re-queued task runs inline at commit)
    swept = service.sweep_stale_exports()

    # then the export is done on its first attempt
    assert (swept["requeued"], swept["failed"]) == ([export.pk], [])
    finished = Export.objects.get(pk=export.pk)
    assert (finished.status, finished.attempts, finished.count) == (ExportStatus.FINISHED, 1, 3)


def test_an_export_whose_worker_died_is_requeued_then_failed_when_out_of_attempts(campaign, settings):
    settings.EXPORT_MAX_ATTEMPTS = 2
    with mock.patch.object(service, "enqueue_on_commit"):
        lost, _ = service.schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
        spent, _ = service.schedule_export(campaign_id=campaign.pk, export_type="codes", actor=TEST_ACTOR)
    # given: one export TRIGGERED by a worker that died on attempt 1, another on its last attempt
    _silent(lost.pk, status=ExportStatus.TRIGGERED, attempts=1)
    _silent(spent.pk, status=ExportStatus.TRIGGERED, attempts=2)

    # when the sweeper runs
    swept = service.sweep_stale_exports()

    # then the first is run again (attempt 2) and finishes, the second is FAILED with the reason
    assert (swept["requeued"], swept["failed"]) == ([lost.pk], [spent.pk])
    assert (Export.objects.get(pk=lost.pk).status, Export.objects.get(pk=lost.pk).attempts) == (
        ExportStatus.FINISHED,
        2,
    )
    failed = Export.objects.get(pk=spent.pk)
    assert (failed.status, failed.error_message) == (ExportStatus.FAILED, "The worker was lost after 2 attempts.")


def test_a_superseded_export_attempt_publishes_nothing_and_removes_its_file(campaign, temp_dir):
    # given an attempt whose export is claimed by a newer attempt while it writes
    with mock.patch.object(service, "enqueue_on_commit"):
        export, _ = service.schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    real_write = EntriesExporter.write
    seen = {}

    def overtaken(self, export, binary_file, progress):
        count = real_write(self, export, binary_file, progress)
        seen["files"] = sorted(path.name.split(".")[0] for path in temp_dir.iterdir())
        other = connections.create_connection("default")  # the newer attempt, in another worker
        with other.cursor() as cursor:
            cursor.execute("UPDATE exports_export SET attempts = attempts + 1 WHERE id = %s", [export.pk])
        other.close()
        return count

    # when the old attempt finishes writing
    with mock.patch.object(EntriesExporter, "write", overtaken):
        result = service.run_export(export.pk)

    # then it published nothing and left no temporary file; the row belongs to attempt 2
    assert seen["files"] == [f"export-{export.pk}"]
    assert (result.status, result.attempts, result.path) == (ExportStatus.TRIGGERED, 2, "")
    assert list(temp_dir.iterdir()) == []
