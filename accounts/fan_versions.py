"""Versions of cached fans: every Fan write bumps the fan's version, retiring its cached copy at once.

The signed-in fan is read on every authenticated request; ``accounts.fan_cache`` keeps a copy in the shared
cache (Redis) together with the version it was read at. A write bumps the version now and again when its
transaction commits, so a copy read before the commit can never be served after it: a doNotSell change
applies to the very next request made with the same token (issue 23). Hooks: ``Fan.save``/``delete``
(signals, ``accounts.signals``) and ``Fan.objects...update()`` (``accounts.models.FanQuerySet``).
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

#: Cache key of a fan's version counter (an integer; missing = 0).
VERSION_KEY = "fan:v:{}"
#: Cache key of a fan's cached row: ``(version, column values)``.
ROW_KEY = "fan:o:{}"
#: Lifetime of a cached row (seconds). A version counter lives longer than any row it guards.
ROW_SECONDS = 300
VERSION_SECONDS = 3600


def _bump(fan_ids: list[str]) -> None:
    for fan_id in fan_ids:
        key = VERSION_KEY.format(fan_id)
        cache.add(key, 0, VERSION_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: a fresh counter retires every older row too
            cache.set(key, 1, VERSION_SECONDS)
        cache.touch(key, VERSION_SECONDS)


def bump_fan_versions(fan_ids: Iterable[str]) -> None:
    """Retire the cached copies of ``fan_ids``: now, and again when the current transaction commits.

    Args: fan ids (``Fan.pk`` strings). Returns None; a cache outage is ignored (reads then miss too).
    """
    ids = [str(fan_id) for fan_id in fan_ids]
    if not ids:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))
