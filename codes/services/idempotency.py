"""``Idempotency-Key`` support: the first answer to (actor, scope, key) is stored and replayed."""

from django.db import IntegrityError, transaction

from codes.models import IdempotentResponse


def run_once(*, actor: str, scope: str, key: str | None, work):
    """Run ``work()`` once per (actor, scope, key) and return its JSON answer; a retry returns the stored one.

    Must be called inside a transaction. A concurrent retry blocks on the unique row until the first
    finishes, then replays its answer. Without ``key`` it simply runs ``work()``.
    """
    if not key:
        return work()
    assert transaction.get_connection().in_atomic_block, "run_once needs a transaction"
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
