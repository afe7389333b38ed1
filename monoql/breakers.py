"""Circuit breakers in front of Redis — the cache and the rate limits — and the Celery broker (issue 36, item 2).

A hung Redis (it accepts connections and never answers) must degrade like a stopped one: each call waits at most
``REDIS_TIMEOUT_SECONDS`` (0.25 s by default), and the first call that fails opens the process's breaker for
``REDIS_BREAKER_SECONDS`` (5 s): calls in that window fail at once (``CircuitOpen``, a redis ``ConnectionError``,
so django-redis treats it as an outage: a cache miss, a dropped write, a rate limit failing open). After the
window one call is let through as a probe (half-open): its success closes the breaker, its failure opens it for
another window. The broker's breaker works the same way for queuing tasks (``monoql.queue``): while it is open a
task is not queued (logged) and the beat's sweeps pick the work up. Uses ``pybreaker``; one breaker per process
(gunicorn's sync workers call through it one request at a time).
"""

import logging

import pybreaker
import redis
from django.conf import settings

logger = logging.getLogger("monoql.breaker")


class CircuitOpen(redis.exceptions.ConnectionError):
    """Redis was not called: its breaker is open (it failed or hung moments ago)."""


class _LogChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state):
        logger.warning(
            "breaker %s: %s -> %s", cb.name, getattr(old_state, "name", None), getattr(new_state, "name", None)
        )


def _not_an_outage(error: BaseException) -> bool:
    """Errors that say nothing about Redis being reachable (a wrong type, a script error) never trip the breaker."""
    return not isinstance(error, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError))


#: The breaker of the cache's Redis (django-redis builds its clients as ``BreakerRedis``).
REDIS = pybreaker.CircuitBreaker(
    fail_max=1,
    reset_timeout=settings.REDIS_BREAKER_SECONDS,
    exclude=[_not_an_outage],
    listeners=[_LogChanges()],
    name="redis",
)
#: The breaker of the Celery broker (``monoql.queue``): any failure to queue trips it.
BROKER = pybreaker.CircuitBreaker(
    fail_max=1, reset_timeout=settings.REDIS_BREAKER_SECONDS, listeners=[_LogChanges()], name="broker"
)


class BreakerRedis(redis.Redis):
    """A redis-py client whose every command goes through ``REDIS`` (django-redis ``REDIS_CLIENT_CLASS``).

    Raises: ``CircuitOpen`` while the breaker is open or when this call's failure opened it; redis' own errors
    otherwise.
    """

    def execute_command(self, *args, **options):
        try:
            return REDIS.call(super().execute_command, *args, **options)
        except pybreaker.CircuitBreakerError as error:
            raise CircuitOpen(f"Redis breaker open: {error}") from error
