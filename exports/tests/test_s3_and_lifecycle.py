"""Exports against S3 (moto in server mode), retries, expiry, retention, signed links."""

import socket
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from moto.server import ThreadedMotoServer

from conftest import TEST_ACTOR
from exports.exporters.entries import EntriesExporter
from exports.models import Export, ExportAccess, ExportStatus
from exports.services.exports import expire_stuck_exports, purge_old_exports, run_export, schedule_export
from exports.services.files import signed_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket="monoql-exports")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "monoql-exports",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": True,
                "signature_version": "s3v4",
            },
        },
    }
    yield client
    server.stop()


def test_s3_export_lands_private_under_exports_and_the_signed_url_downloads_it(campaign, s3):
    # given
    export, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    # when
    export = run_export(export.pk)
    url = signed_url(export)
    # then
    assert export.status == ExportStatus.FINISHED
    assert export.path == f"exports/{campaign.pk}/entries/{export.pk}.csv"
    listed = [obj["Key"] for obj in s3.list_objects_v2(Bucket="monoql-exports")["Contents"]]
    assert listed == [export.path]
    grants = s3.get_object_acl(Bucket="monoql-exports", Key=export.path)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert parse_qs(urlparse(url).query)["X-Amz-Expires"] == ["3600"]
    body = requests.get(url, timeout=10)
    assert body.status_code == 200
    assert body.content.decode().splitlines()[0].startswith("id,contest_title,entry_date")
    assert len(body.content.decode().splitlines()) == 4
    unsigned = requests.get(url.split("?")[0], timeout=10)
    assert unsigned.status_code == 403


def test_a_failed_attempt_is_retried_without_leaving_a_second_or_half_file(campaign, settings):
    # given: the exporter fails after writing part of the file, once
    settings.EXPORT_MAX_ATTEMPTS = 2
    export, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    real_write = EntriesExporter.write
    calls = {"n": 0}

    def flaky(self, export, binary_file, progress):
        calls["n"] += 1
        if calls["n"] == 1:
            binary_file.write(b"id,contest_title\n1,half a fi")
            raise RuntimeError("worker lost its database")
        return real_write(self, export, binary_file, progress)

    # when
    with mock.patch.object(EntriesExporter, "write", flaky):
        with pytest.raises(RuntimeError):
            run_export(export.pk)
        between = Export.objects.get(pk=export.pk)
        files_between = _files(campaign)
        finished = run_export(export.pk)
    # then
    assert (between.status, between.error_message, files_between) == (
        ExportStatus.PENDING,
        "worker lost its database",
        [],
    )
    assert finished.status == ExportStatus.FINISHED and finished.count == 3 and finished.attempts == 2
    assert _files(campaign) == [f"{export.pk}.csv"]


def _files(campaign):
    folder = f"exports/{campaign.pk}/entries"
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def test_the_last_attempt_fails_the_export(campaign, settings):
    settings.EXPORT_MAX_ATTEMPTS = 1
    export, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    with mock.patch.object(EntriesExporter, "write", side_effect=RuntimeError("boom")):
        result = run_export(export.pk)
    assert (result.status, result.error_message, result.path) == (ExportStatus.FAILED, "boom", "")
    assert result.date_failed is not None


def test_same_key_while_active_returns_the_existing_export(campaign):
    first, created = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    again, created_again = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    other_key, created_other = schedule_export(
        campaign_id=campaign.pk, export_type="entries", date_key="d2", actor=TEST_ACTOR
    )
    assert (created, created_again, created_other) == (True, False, True)
    assert again.pk == first.pk and other_key.pk != first.pk
    run_export(first.pk)
    after, created_after = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    assert created_after and after.pk != first.pk
    assert ExportAccess.objects.filter(action="schedule").count() == 4


def test_stuck_exports_expire_and_old_files_are_removed(campaign, settings):
    # given: one export stuck in TRIGGERED, one finished long ago
    stuck, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    Export.objects.filter(pk=stuck.pk).update(
        status=ExportStatus.TRIGGERED, date_triggered=timezone.now() - timedelta(hours=2)
    )
    old, _ = schedule_export(campaign_id=campaign.pk, export_type="codes", actor=TEST_ACTOR)
    old = run_export(old.pk)
    Export.objects.filter(pk=old.pk).update(date_finished=timezone.now() - timedelta(days=31))
    # when
    expired, removed = expire_stuck_exports(), purge_old_exports(actor=TEST_ACTOR)
    # then
    assert (expired, removed) == (1, 1)
    assert Export.objects.get(pk=stuck.pk).status == ExportStatus.EXPIRED
    assert not default_storage.exists(old.path)
    assert signed_url(Export.objects.get(pk=old.pk)) is None


def test_local_signed_link_downloads_then_expires(campaign, settings):
    export, _ = schedule_export(campaign_id=campaign.pk, export_type="entries", actor=TEST_ACTOR)
    export = run_export(export.pk)
    url = signed_url(export)
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().count("\n") == 4
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() + 3601):
        assert Client().get(url).status_code == 404
    assert Client().get(url[:-3] + "xyz").status_code == 404
