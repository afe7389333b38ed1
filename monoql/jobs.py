"""Jobs that survive a dead worker (docs/operations.md "Jobs"): heartbeats, fencing, temp files.

Every long job (wave prep, selection per market, export, wave, code upload) keeps a row with a status, an
``attempts`` number and a ``heartbeat_at`` time:

- ``claim`` (in each app's service) increments ``attempts``: that number is the attempt's *fence*. Only the
  current attempt may commit its result; every final write is conditioned on ``attempts = fence`` and an
  attempt that finds the row moved on raises ``Superseded`` and rolls back.
- ``Heartbeat`` stamps ``heartbeat_at`` every ``JOB_HEARTBEAT_SECONDS`` from a side thread with its own
  database connection, so a job whose own connection is busy in one long statement still shows it lives.
  The stamp is fenced too: a zombie attempt never refreshes a row a newer attempt owns.
- each app's beat sweeper re-queues a job whose heartbeat is older than ``JOB_STALE_SECONDS`` (a killed
  worker, a task that never ran), or fails it once its attempts are spent.
- ``job_temp_file`` makes temporary files under ``JOB_TEMP_DIR`` named after the worker's pid;
  ``sweep_temp_files`` (at worker start) removes those of processes that no longer run.
"""

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from monoql.queue import enqueue_on_commit
from monoql.transactions import require_transaction

logger = logging.getLogger("monoql.jobs")


class Superseded(Exception):
    """This attempt no longer owns its job row (a newer attempt claimed it): stop and roll back."""


def heartbeat_seconds() -> float:
    """Seconds between two heartbeats of a running job (``JOB_HEARTBEAT_SECONDS``, default 15)."""
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 15))


def stale_cutoff(now: datetime | None = None) -> datetime:
    """The UTC time before which a heartbeat is stale: ``now − JOB_STALE_SECONDS`` (default 120 s)."""
    return (now or timezone.now()) - timedelta(seconds=int(getattr(settings, "JOB_STALE_SECONDS", 120)))


class Heartbeat:
    """Context manager stamping ``{table}.heartbeat_at = now()`` for row ``pk`` while attempt ``fence`` owns it.

    Args:
        table: the job's database table (``Model._meta.db_table``).
        pk: the job row's primary key.
        fence: the attempt number this process claimed; the stamp is ``WHERE attempts = fence``.
        interval: seconds between stamps (default ``heartbeat_seconds()``).
    The side thread opens its own connection (PostgreSQL only: SQLite has one writer and runs jobs eagerly)
    and never raises: a failed stamp is logged and retried at the next beat.
    """

    def __init__(self, table: str, pk, fence: int, interval: float | None = None):
        self.table, self.pk, self.fence = table, pk, fence
        self.interval = heartbeat_seconds() if interval is None else interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Heartbeat":
        if connection.vendor == "postgresql":
            self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.table}-{self.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            while True:
                try:
                    with side.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {self.table} SET heartbeat_at = now() WHERE id = %s AND attempts = %s",  # noqa: S608 - the table name is a job model's
                            [self.pk, self.fence],
                        )
                except DatabaseError:
                    logger.warning("heartbeat of %s %s not written", self.table, self.pk, exc_info=True)
                    side.close()
                if self._stop.wait(self.interval):
                    return
        finally:
            side.close()


def job_temp_dir() -> Path:
    """The folder of jobs' temporary files (``JOB_TEMP_DIR``, default ``{tmp}/monoql-jobs``), created."""
    folder = Path(getattr(settings, "JOB_TEMP_DIR", "") or Path(tempfile.gettempdir()) / "monoql-jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_temp_file(prefix: str, suffix: str = "") -> tuple[int, str]:
    """``(fd, path)`` of a new temporary file ``{prefix}.{pid}.…{suffix}`` in ``job_temp_dir()``; the caller
    removes it (``remove_quietly``) when done or failed; ``sweep_temp_files`` removes what a killed worker left."""
    return tempfile.mkstemp(prefix=f"{prefix}.{os.getpid()}.", suffix=suffix, dir=job_temp_dir())


def remove_quietly(path: str | None) -> None:
    """Delete ``path`` if it exists (never raises)."""
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("could not remove %s", path, exc_info=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_temp_files() -> list[str]:
    """Remove the job temporary files whose writing process is gone; returns their names.

    Called when a worker starts (``monoql.celery``) and by the beat sweepers. A file's process is the pid
    in its name (``job_temp_file``); files of living processes are kept.
    """
    removed = []
    for path in job_temp_dir().iterdir():
        parts = path.name.split(".")
        pid = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        remove_quietly(str(path))
        removed.append(path.name)
    if removed:
        logger.info("removed %s temporary files of dead workers", len(removed))
    return removed


class SideProgress:
    """Context manager; calling it with a number writes ``{table}.{column} = number`` for row ``pk`` through a
    connection of its own, opened at the first call (the job's connection may be busy in a COPY or inside its
    transaction, whose writes nobody else sees yet). Best effort: PostgreSQL only, a failed write is logged."""

    def __init__(self, table: str, pk, column: str):
        self.table, self.pk, self.column = table, pk, column
        self.connection: BaseDatabaseWrapper | None = None

    def __enter__(self) -> "SideProgress":
        return self

    def __call__(self, value: int) -> None:
        if connection.vendor != "postgresql":
            return  # SQLite has one writer: progress shows when the job ends (embedded default, eager tasks)
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"UPDATE {self.table} SET {self.column} = %s WHERE id = %s", [value, self.pk])  # noqa: S608 - the table name is a job model's
        except DatabaseError:
            logger.info("progress of %s %s not written", self.table, self.pk, exc_info=True)

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()


def run_attempts(task, attempt, retry_on: tuple = (Exception,), countdown=lambda retries: 10):
    """Run ``attempt()`` for the bound Celery ``task`` and return its result.

    An error in ``retry_on`` is retried through Celery after ``countdown(retries)`` seconds; when the task
    runs inline (eager, the embedded default) the next attempt runs at once, in this process, so that a job
    ends FINISHED or FAILED there too. ``attempt`` stops raising once the job's attempts are spent.
    """
    while True:
        try:
            return attempt()
        except retry_on as error:
            if not task.request.is_eager:
                raise task.retry(exc=error, countdown=countdown(task.request.retries)) from error


def counts_in_words(counts, error=None) -> str:
    """A job's result in words: its error, or its counts as "name: n" pairs (a wave's per-channel detail as
    "sms: n sent, n failed"); nested values are never shown as raw data."""
    if error:
        return str(error)
    if not counts:
        return ""
    parts = []
    for key, value in counts.items():
        if isinstance(value, dict):
            parts += [
                f"{channel}: {detail.get('sent', 0)} sent, {detail.get('failed', 0)} failed"
                for channel, detail in value.items()
                if isinstance(detail, dict)
            ]
        elif isinstance(value, list):
            parts.append(f"{key}: {len(value)}")
        elif value is not None:
            parts.append(f"{key}: {value}")
    return ", ".join(parts)


class Pacer:
    """Keeps a background job at ``rows_per_second`` at most: called with the rows it just handled, it sleeps when the
    job is ahead of that rate (the live bot score: registrations keep the CPU, issue 41). ``rows_per_second`` of 0 or
    None: never sleeps."""

    def __init__(self, rows_per_second: float | None):
        self.rate = float(rows_per_second or 0)
        self.started = time.monotonic()
        self.rows = 0

    def __call__(self, rows: int) -> None:
        if self.rate <= 0:
            return
        self.rows += rows
        ahead = self.rows / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)


def sweep_stale(
    model,
    *,
    pending: str,
    running: tuple[str, ...],
    failed: str,
    max_attempts: int,
    task: str,
    lost: Callable[[int], dict],
    now: datetime | None = None,
) -> dict:
    """Re-queue the jobs of ``model`` whose heartbeat is older than ``JOB_STALE_SECONDS`` (a killed worker, a task
    that never ran): back to ``pending`` and ``task`` queued with the row's id; a job in one of the ``running``
    statuses whose ``max_attempts`` are spent is ``failed`` instead, with the fields ``lost(attempts)`` gives (its
    error in words) and ``date_finished``. Each row is changed only if it is still as read (status and attempts: the
    fence), so two sweepers never both act on it.

    Args: ``model``: a job model with ``status``, ``attempts``, ``heartbeat_at`` and ``date_finished``.
    Returns: ``{"requeued": [ids], "failed": [ids]}``.
    """
    now = now or timezone.now()
    stale = Q(heartbeat_at__lt=stale_cutoff(now))
    done: dict[str, list] = {"requeued": [], "failed": []}
    for pk, status, attempts in model.objects.filter(stale, status__in=[pending, *running]).values_list(
        "pk", "status", "attempts"
    ):
        same = model.objects.filter(stale, pk=pk, status=status, attempts=attempts)
        with transaction.atomic():
            if status in running and attempts >= max_attempts:
                if same.update(status=failed, date_finished=now, **lost(attempts)):
                    done["failed"].append(pk)
            elif same.update(status=pending, heartbeat_at=now):
                enqueue_on_commit(task, pk)
                done["requeued"].append(pk)
    if done["requeued"] or done["failed"]:
        logger.warning("stale %s jobs: %s", model._meta.label, done)
    return done


def requeue_failed(model, pk, *, failed: str, pending: str, task: str) -> bool:
    """A retry's common part: move job ``pk`` of ``model`` from ``failed`` back to ``pending`` (heartbeat now, not
    finished) and, when a broker is configured, queue ``task`` with its id once the caller's transaction commits; with
    tasks inline the caller runs it after the commit. The attempt number is left alone: the next claim raises it (the
    fence). Returns: True when the job moved (False: it was no longer ``failed``).
    Raises: TransactionRequired outside ``transaction.atomic()`` (the caller's audit row and this move commit together).
    """
    require_transaction("requeue_failed (the retry's move)")
    moved = model.objects.filter(pk=pk, status=failed).update(
        status=pending, heartbeat_at=timezone.now(), date_finished=None
    )
    if moved and not settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_on_commit(task, pk)
    return bool(moved)
