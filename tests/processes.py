"""Helpers of the tests that start real processes (gunicorn, Celery workers, private Redis and PostgreSQL)."""

import socket
import subprocess
import time

from django.conf import settings


def free_port() -> int:
    """A TCP port nothing listens on right now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, seconds: float = 30) -> None:
    """Wait until something listens on ``port``. Raises AssertionError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def private_redis(port: int) -> subprocess.Popen:
    """A Redis on ``port`` that keeps nothing on disk (never the shared one); the caller stops it."""
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )


def shared_database_url() -> str:
    """The URL of the database this test runs on, for the processes it starts (they share its rows)."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database.get('PASSWORD') or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
