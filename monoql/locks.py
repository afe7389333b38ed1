"""Advisory locks that refuse misuse (issue 33, 34; after pretix's ``base/services/locking.py``).

A lock here is a PostgreSQL transaction-level advisory lock on one key per object: ``(namespace, object)`` where
``namespace`` names what is protected and the object is hashed to 32 bits by PostgreSQL (``hashtext``). It is held
until the caller's transaction ends, so:

- taking one outside ``transaction.atomic()`` raises ``RuntimeError`` (it would protect nothing);
- the wait is bounded (``SET LOCAL lock_timeout``); when it runs out the call fails with ``SERVICE_UNAVAILABLE``
  reason ``LOCK_TIMEOUT`` (the transaction is rolled back to before the attempt, nothing half-done);
- several keys are taken in sorted order (``lock_many``), so two callers never wait on each other in a cycle;
- shared holders never wait for each other, only for an exclusive holder (and it for them).

SQLite (the embedded default) serialises its writers anyway: the locks check the transaction and do nothing else.
"""

from collections.abc import Iterable

from django.db import OperationalError, connection, transaction

from monoql.core_reasons import CoreReason
from monoql.errors import Unavailable
from monoql.transactions import require_transaction

#: Seconds a lock may be waited for before the call gives up (callers may pass their own).
DEFAULT_TIMEOUT_SECONDS = 30.0

#: Namespaces (the first key): one per kind of protected thing. Values are arbitrary distinct int4s.
CODE_HOLDERS = 0x636F6465  # "code": a campaign's code holders (Code.entry / Code.fan) against fan erasure
SELECTION_DATA = 0x73656C31  # "sel1": a campaign's candidates and codes: wave prep (exclusive) vs selection (shared)
SELECTION_TRIGGERS = 0x73656C32  # "sel2": a campaign's wave prep and selection triggers, one at a time
BOT_SCORE = 0x626F7473  # "bots": a campaign's bot score run, one at a time


def _require_transaction(what: str) -> None:
    require_transaction(f"{what} (a lock: outside a transaction it protects nothing)")


def lock_many(
    namespace: int,
    objects: Iterable[str],
    *,
    shared: bool = False,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    what: str = "",
) -> None:
    """Take the advisory locks ``(namespace, object)`` for every object, in sorted order, until the transaction ends.

    Args: ``namespace``: one of this module's namespaces; ``objects``: ids (strings); ``shared``: a shared lock
        (holders of shared locks never wait for each other); ``timeout_seconds``: the longest wait; ``what``: the
        words naming the protected thing in the error.
    Raises: TransactionRequired outside a transaction; Unavailable ``LOCK_TIMEOUT`` when the wait runs out.
    """
    keys = sorted({str(item) for item in objects})
    _require_transaction(what or "an advisory lock")
    if connection.vendor != "postgresql" or not keys:
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{max(1, int(timeout_seconds * 1000))}ms'")
            for key in keys:
                cursor.execute(f"SELECT {function}(%s, hashtext(%s))", [namespace, key])
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError as error:
        if getattr(getattr(error, "__cause__", None), "sqlstate", None) == "55P03":  # lock_not_available
            raise Unavailable(
                f"Another job holds {what or 'what this call needs'}; try again in a moment.",
                reason=CoreReason.LOCK_TIMEOUT,
                extra={"retryAfter": 5},
            ) from None
        raise


def lock(namespace: int, obj: str, *, shared: bool = False, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, what=""):
    """``lock_many`` for one object. Raises as ``lock_many``."""
    lock_many(namespace, [obj], shared=shared, timeout_seconds=timeout_seconds, what=what)
