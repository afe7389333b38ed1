"""Faults, round two (item 3): the cache is optional for correctness, and a database outage is a 503 a
client can act on. The test starts its own Redis and PostgreSQL (never the shared ones) and a real
gunicorn on them, then stops each backing service under it."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tokens import issue_session_token
from tests.processes import free_port, private_redis, wait_port

ROOT = Path(settings.BASE_DIR)
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else ""
QUERY = json.dumps({"query": '{ viewer { campaign(domain: "nowhere.localhost") { name } } }'}).encode()


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def private_services():
    """A private Redis and a private PostgreSQL on free ports, stopped and removed afterwards."""
    assert PG_BIN, "PostgreSQL's binaries are needed (apt-get install postgresql)"
    work = Path(tempfile.mkdtemp(prefix="monoql-outage-"))
    redis_port, pg_port = free_port(), free_port()
    redis = private_redis(redis_port)
    data = work / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
        shutil.chown(data, "postgres")
    subprocess.run(
        _as_postgres([f"{PG_BIN}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    pg_ctl = [f"{PG_BIN}/pg_ctl", "-D", str(data), "-w"]
    options = f"-p {pg_port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres([*pg_ctl, "-o", options, "-l", str(work / "pg.log"), "start"]), check=True, capture_output=True
    )
    services = {"redis": redis, "redis_port": redis_port, "pg_port": pg_port, "pg_ctl": pg_ctl, "work": work}
    try:
        wait_port(redis_port)
        yield services
    finally:
        redis.kill()
        subprocess.run(_as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _call(port, path, body=None, host="localhost", token=None):
    headers = {"Content-Type": "application/json", "Host": host}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers=headers,
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_redis_outage_degrades_and_a_database_outage_answers_503(private_services):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{private_services['pg_port']}/postgres",
        "REDIS_URL": f"redis://127.0.0.1:{private_services['redis_port']}/0",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "RATE_LIMIT_ENABLED": "true",
        "DB_CONN_MAX_AGE": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "monoql.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        # Given everything up: the API answers (no such campaign), with rate-limit headers
        status, headers, body = _call(port, "/graphql", QUERY)
        assert status == 200 and json.loads(body)["errors"][0]["extensions"]["code"] == "NOT_FOUND", (status, body)
        assert "X-RateLimit-Limit" in headers
        # When Redis stops, the same call still answers from the database (the limiter fails open)
        private_services["redis"].kill()
        private_services["redis"].wait(timeout=10)
        status, headers, body = _call(port, "/graphql", QUERY)
        assert status == 200 and json.loads(body)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "X-RateLimit-Limit" not in headers
        # When PostgreSQL stops too, every door answers 503 with Retry-After, in JSON to API clients
        subprocess.run(
            _as_postgres([*private_services["pg_ctl"], "-m", "immediate", "stop"]), check=True, capture_output=True
        )
        status, headers, body = _call(port, "/graphql", QUERY)
        assert (status, headers.get("Retry-After")) == (503, "5")
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        token = issue_session_token("some-fan", is_supreme=False, permissions={}, tm_sig="").token
        status, headers, body = _call(port, "/api/campaigns/x/exports", token=token)
        assert (status, headers.get("Retry-After")) == (503, "5")
        assert json.loads(body)["code"] == "SERVICE_UNAVAILABLE"
        status, headers, body = _call(port, "/c/nowhere.localhost/")
        assert (status, headers.get("Retry-After")) == (503, "5")
        assert b"retry shortly" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
