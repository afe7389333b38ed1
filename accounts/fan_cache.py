"""The signed-in fan of a session token, read through the shared cache (issue 23: the hot registration
path reads no ``accounts_fan`` row).

A cached row is ``(version, column values)`` under ``fan:o:<id>``; it is served only while the fan's version
(``fan:v:<id>``, bumped by every Fan write, ``accounts.fan_versions``) is the one it was read at. The request
gate (``accounts.ratelimits``) reads the version, the row and the token's revoked mark in its one Redis
round trip and leaves them on the request as a ``Prefetched``; without it (another path, or the cache down)
they are read here. Cache down: the fan comes from the database and the revoked-token check fails open.
"""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from accounts.fan_versions import ROW_KEY, ROW_SECONDS, VERSION_KEY
from accounts.models import Fan
from accounts.reasons import AccountsReason
from accounts.tokens import REVOKED_KEY, claims_for_request, token_signature
from monoql.errors import Unauthenticated

_ATTNAMES = [field.attname for field in Fan._meta.concrete_fields]


@dataclass(frozen=True)
class Prefetched:
    """What the request gate read for the request's session token: the token, its fan id, the fan's cache
    version and cached row (raw values, None when missing) and whether the token is revoked."""

    token: str
    fan_id: str
    version: Any
    row: Any
    revoked: bool


def prefetch_keys(token: str, fan_id: str) -> list[str]:
    """The cache keys a request with ``token`` reads: revoked mark, fan version, fan row (in this order)."""
    return [REVOKED_KEY.format(token_signature(token)), VERSION_KEY.format(fan_id), ROW_KEY.format(fan_id)]


def prefetched_from(token: str, fan_id: str, values: list) -> Prefetched:
    """A ``Prefetched`` from the decoded values of ``prefetch_keys`` (None for a missing key)."""
    revoked, version, row = values
    return Prefetched(token=token, fan_id=fan_id, version=version, row=row, revoked=revoked is not None)


def read_prefetch(token: str, fan_id: str) -> Prefetched:
    """Read ``prefetch_keys`` in one round trip (when the request gate did not)."""
    keys = prefetch_keys(token, fan_id)
    found = cache.get_many(keys)
    return prefetched_from(token, fan_id, [found.get(key) for key in keys])


def _row(fan: Fan, version) -> tuple:
    """The cached form of ``fan`` read at ``version``: ``(version, column values)``."""
    return int(version or 0), tuple(getattr(fan, name) for name in _ATTNAMES)


def _fan_from_row(version, row) -> Fan | None:
    if not row or row[0] != int(version or 0) or len(row[1]) != len(_ATTNAMES):
        return None
    return Fan.from_db("default", _ATTNAMES, list(row[1]))


def cached_fan(fan_id: str, prefetched: Prefetched | None = None) -> Fan | None:
    """The Fan ``fan_id`` (or None when there is no such fan), from its cached row when that row is current,
    else from the database (then cached for ``ROW_SECONDS`` under the version read before the query)."""
    if prefetched is not None and prefetched.fan_id == fan_id:
        version, row = prefetched.version, prefetched.row
    else:
        found = cache.get_many([VERSION_KEY.format(fan_id), ROW_KEY.format(fan_id)])
        version, row = found.get(VERSION_KEY.format(fan_id)), found.get(ROW_KEY.format(fan_id))
    fan = _fan_from_row(version, row)
    if fan is not None:
        return fan
    fan = Fan.objects.filter(pk=fan_id).first()
    if fan is not None:
        cache.set(ROW_KEY.format(fan_id), _row(fan, version), ROW_SECONDS)
    return fan


def warm_fans(fan_ids: list[str]) -> int:
    """The bulk form of ``cached_fan`` (what ``authenticate`` does for one fan at sign-in): cache the rows of
    ``fan_ids`` under their current versions (versions read before the rows). Returns how many were cached."""
    versions = cache.get_many([VERSION_KEY.format(fan_id) for fan_id in fan_ids])
    rows = {}
    for fan in Fan.objects.filter(pk__in=fan_ids):
        rows[ROW_KEY.format(fan.pk)] = _row(fan, versions.get(VERSION_KEY.format(fan.pk)))
    cache.set_many(rows, ROW_SECONDS)
    return len(rows)


def fan_for_token(request, token: str) -> Fan:
    """The Fan a session JWT names, its claims on ``fan._session_claims``; decoded once per request.

    Raises:
        Unauthenticated: ``INVALID_TOKEN`` / ``EXPIRED_TOKEN`` (``accounts.tokens``), ``REVOKED_TOKEN`` (signed
            out: ``logout`` revoked it), ``INVALID_TOKEN`` when the fan no longer exists.
    """
    claims = claims_for_request(request, token)
    fan_id = str(claims["sub"])
    prefetched = getattr(request, "gate_prefetch", None)
    if prefetched is None or prefetched.token != token:
        prefetched = read_prefetch(token, fan_id)
    revoked = prefetched.revoked
    if revoked:
        raise Unauthenticated("You signed out with this session; sign in again.", reason=AccountsReason.REVOKED_TOKEN)
    fan = cached_fan(fan_id, prefetched)
    if fan is None:
        raise Unauthenticated("The session names an unknown user.", reason=AccountsReason.INVALID_TOKEN)
    fan._session_claims = claims
    return fan
