"""``Idempotency-Key`` support: the first answer to (actor, scope, key) is stored and replayed."""

from django.db import IntegrityError, transaction

from codes.models import IdempotentResponse
from monoql.transactions import require_transaction


def run_once(*, actor: str, scope: str, key: str | None, work):
    """Run ``work()`` once per (actor, scope, key) and return its JSON answer; a retry returns the stored one.

    Must be called inside a transaction. A concurrent retry blocks on the unique row until the first
    finishes, then replays its answer. Without ``key`` it simply runs ``work()``.
    """
    if not key:
        return work()
    require_transaction("run_once (the first answer is stored with the work)")
    try:
        with transaction.atomic():
            record = IdempotentResponse.objects.create(actor=actor, scope=scope, key=key[:128])
    except IntegrityError:
        existing = IdempotentResponse.objects.get(actor=actor, scope=scope, key=key[:128])
        return existing.response
    answer = work()
    record.response = answer
    record.save(update_fields=["response"])
    return answer
