"""The fan site's anonymous landing page under load, measured from outside the server with wrk.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/fan_site.py [SECONDS] [CONNECTIONS]

Loads the demo campaign, starts gunicorn (4 sync workers) on a free port and runs ``wrk`` with
CONNECTIONS connections (default 16) for SECONDS (default 20) against ``/`` with ``Host:
metallica.localhost`` (the campaign's own domain: host check, page cache, ETag), then, in the same run, the
same load on a static file (the baseline: what the stack costs without the page). Prints one JSON line:
{"bench": "fan_site", "connections", "landing": {"rps", "p50_ms", "p95_ms", "p99_ms", "errors"},
 "static": {...}, "gate_p95_ms": 50, "passed": landing p95 < 50}.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
GATE_P95_MS = 50.0
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %f %f %f %f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wrk(port: int, path: str, host: str, seconds: int, connections: int, script: str) -> dict:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        # a slow answer counts in the latency figures instead of being dropped as an error at wrk's default 2 s
        "--timeout",
        "30s",
        "-H",
        f"Host: {host}",
        "-s",
        script,
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, bad_status, socket_errors, duration, p50, p95, p99 = re.search(r"RESULT (.*)", output).group(1).split()
    return {
        "rps": round(int(requests) / float(duration), 1),
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "p99_ms": round(float(p99), 2),
        "requests": int(requests),
        "errors": int(bad_status) + int(socket_errors),
    }


def main(seconds: int = 20, connections: int = 16) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    import django

    django.setup()
    from django.core.management import call_command

    from campaigns.services.demo import load_demo
    from monoql.audit import Actor

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    events = (ROOT.parent / "shared" / "data" / "discovery" / "events-page.json").read_text()
    load_demo(
        events,
        admin_username="bench",
        admin_email="bench@example.com",
        admin_password="pw-Bench-123!",
        actor=Actor.command("bench"),
    )
    port = _free_port()
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "localhost,127.0.0.1", "RATE_LIMIT_ENABLED": "false"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "monoql.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(REPORT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # warm every worker and the page cache: a worker's first page takes seconds (imports, schema, templates,
        # connections), and with 2 s of warming none had answered: the measured run then counted 16 time-outs
        _wrk(port, "/", "metallica.localhost", 8, 4, handle.name)
        landing = _wrk(port, "/", "metallica.localhost", seconds, connections, handle.name)
        static = _wrk(port, "/static/site/site.css", "localhost", seconds, connections, handle.name)
    finally:
        server.terminate()
        server.wait(timeout=10)
        os.unlink(handle.name)
    return {
        "bench": "fan_site",
        "connections": connections,
        "seconds": seconds,
        "landing": landing,
        "static": static,
        "gate_p95_ms": GATE_P95_MS,
        "passed": landing["p95_ms"] < GATE_P95_MS and landing["errors"] == 0,
    }


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    print(json.dumps(main(*arguments)))
