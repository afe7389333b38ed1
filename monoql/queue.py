"""Queue a Celery task by name once the current transaction commits.

Services use this instead of importing task modules (adapters): the task is looked up in the Celery
app's registry when the transaction commits. A broker outage never fails the write that queued the task;
it is logged and the beat schedule (or an operator) picks the work up later. A broker that fails or hangs opens
the broker's breaker (``monoql.breakers``): for a few seconds tasks are not even tried, so a hung broker costs one
short timeout, not one per request.
"""

import logging

import pybreaker
from celery import current_app
from django.conf import settings
from django.db import transaction

from monoql.breakers import BROKER

logger = logging.getLogger("monoql.queue")


class UnknownTask(LookupError):
    """A service queued a task name that no installed app registers (a programming error)."""


def _send(task_name: str, args: tuple) -> None:
    task = current_app.tasks.get(task_name)
    if task is None:
        logger.error("task %s is not registered; not queued", task_name)
        return
    try:
        if current_app.conf.task_always_eager:
            task.delay(*args)  # runs here: its own errors are not the broker's
        else:
            BROKER.call(task.delay, *args)
    except pybreaker.CircuitBreakerError:
        logger.warning("broker breaker open: %s not queued; the beat's sweeps pick the work up", task_name)
    except Exception:
        logger.warning("could not queue %s", task_name, exc_info=True)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue ``task_name(*args)`` after the current transaction commits (at once outside one).

    Args:
        task_name: the registered Celery task name, e.g. ``"entries.send_entry_receipt"``.
        args: JSON-serialisable positional arguments.
    Raises:
        UnknownTask: no installed app registers ``task_name`` and ``QUEUE_STRICT_TASK_NAMES`` is on (the
            tests); otherwise the name is logged as an error and nothing is queued.
    """
    if settings.QUEUE_STRICT_TASK_NAMES and task_name not in current_app.tasks:
        raise UnknownTask(f"No task named {task_name!r} is registered.")
    transaction.on_commit(lambda: _send(task_name, args))
