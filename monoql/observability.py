"""Prometheus metrics of monoql (served at ``/metrics`` by django-prometheus, with its own HTTP and database
metrics): GraphQL requests and latency by operation name, errors by ``extensions.code``, Celery task
outcomes, and the Celery queue depth read from the Redis broker at scrape time.

Label values are bounded: an operation name that is not a GraphQL name, or beyond the first
``MAX_OPERATION_NAMES`` distinct names a process has seen, is counted as ``other``.
With several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (see README, operations) so the scrape
aggregates every worker.
"""

import logging
import os
import re
import threading

import redis
from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

MAX_OPERATION_NAMES = 200
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_seen: set = set()
_seen_lock = threading.Lock()

GRAPHQL_REQUESTS = Counter(
    "monoql_graphql_requests_total", "GraphQL requests by operation name and HTTP status", ["operation", "status"]
)
GRAPHQL_LATENCY = Histogram(
    "monoql_graphql_request_seconds",
    "GraphQL request latency by operation name (seconds)",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

logger = logging.getLogger("monoql.observability")
ERRORS = Counter("monoql_errors_total", "Errors answered, by extensions.code", ["code"])
TASKS = Counter("monoql_celery_tasks_total", "Celery task outcomes", ["task", "outcome"])


def operation_label(name) -> str:
    """A bounded label for a GraphQL operation name: the name, ``anonymous`` or ``other``."""
    if not name:
        return "anonymous"
    if not isinstance(name, str) or not _NAME_RE.match(name):
        return "other"
    if name in _seen:
        return name
    with _seen_lock:
        if len(_seen) >= MAX_OPERATION_NAMES:
            return "other"
        _seen.add(name)
    return name


def observe_graphql(operation_name, status: int, seconds: float) -> None:
    """Count one GraphQL request and its latency."""
    label = operation_label(operation_name)
    GRAPHQL_REQUESTS.labels(label, str(status)).inc()
    GRAPHQL_LATENCY.labels(label).observe(seconds)


def count_error(code: str) -> None:
    """Count one error answered with ``extensions.code = code``."""
    ERRORS.labels(code or "INTERNAL_ERROR").inc()


@task_success.connect
def _task_succeeded(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "unknown"), "success").inc()


@task_failure.connect
def _task_failed(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "unknown"), "failure").inc()


@task_retry.connect
def _task_retried(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "unknown"), "retry").inc()


class QueueDepthCollector:
    """``monoql_celery_queue_depth{queue}``: messages waiting in each Celery queue of a Redis broker."""

    def collect(self):
        gauge = GaugeMetricFamily("monoql_celery_queue_depth", "Messages waiting in a Celery queue", labels=["queue"])
        url = getattr(settings, "CELERY_BROKER_URL", "") or ""
        if url.startswith(("redis://", "rediss://")):
            try:
                client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
                for queue in getattr(settings, "CELERY_MONITORED_QUEUES", ["celery"]):
                    gauge.add_metric([queue], client.llen(queue))
            except Exception:  # noqa: BLE001 - a broker outage must not break the scrape
                logger.debug("queue depth: the broker did not answer", exc_info=True)
        yield gauge


_collector = QueueDepthCollector()
try:
    REGISTRY.register(_collector)
except ValueError:  # already registered (module reloaded)
    pass


def exposition() -> tuple[bytes, str]:
    """The scrape body and its content type: this process's registry, or — with
    ``PROMETHEUS_MULTIPROC_DIR`` — every worker's metrics added up, plus the queue depth."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(QueueDepthCollector())
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
