"""Request rate limits for the API (catalog §5; issue 8 item 1) and the request gate's one Redis round trip
(issue 23), counted in the shared cache (Redis).

Every request to ``/graphql`` and ``/api/`` counts against one budget: per user when it carries a valid
bearer token (``RATE_LIMIT_USER``, default 500/min), per client IP otherwise (``RATE_LIMIT_ANON``,
100/min); multipart uploads also count against ``RATE_LIMIT_UPLOAD`` (10/min). Over a limit the answer is
429 with ``Retry-After`` and ``extensions.code = RATE_LIMITED`` (GraphQL shape on ``/graphql``, the REST
error body on ``/api/``); every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (seconds until the window ends). Counting uses fixed windows (``INCR`` + ``EXPIRE``),
each key's window shifted by a hash of the key so that windows do not all end at once. The client IP is
``REMOTE_ADDR``, or the ``X-Forwarded-For`` entry added by the proxies of ``RATE_LIMIT_TRUSTED_PROXY_ADDRESSES``
(or, without that list, by the last ``RATE_LIMIT_TRUSTED_PROXIES`` proxies): ``client_ip``.

The same pipelined round trip reads what the rest of the request needs from Redis: the data generation
(``monoql.generation``: campaign cache and answer cache), the session token's revoked mark and the signed-in
fan's cached row (``accounts.fan_cache``), and, for an anonymous GraphQL query, its cached answer, which is
then answered here, before GraphQL runs (``monoql.graphql.response_cache``). Redis down: the request is
served unlimited, every read falls back to its own path (the revoked-token check fails open).
"""

import functools
import ipaddress
import json
import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django_redis.cache import RedisCache

from accounts.fan_cache import Prefetched, prefetch_keys, prefetched_from
from accounts.identity import IdentityClaims
from accounts.reasons import AccountsReason
from accounts.tokens import claims_for_request
from monoql.errors import RATE_LIMITED, DomainError, Unauthenticated
from monoql.generation import GENERATION_KEY, end_prefetched, use_prefetched
from monoql.graphql import response_cache
from monoql.observability import count_error
from monoql.reasons import API_SURFACES, Reason, declare_answers

# The request gate answers every API request over its budget (docs/errors.md)
for _surface in API_SURFACES:
    declare_answers(_surface, [AccountsReason.TOO_MANY_REQUESTS], everywhere=True)

LIMITED_PATHS = ("/graphql", "/api/")
#: Static files (served by WhiteNoise before the gate on the project host; on a campaign's domain they pass here).
UNLIMITED_PATHS = ("/static/", "/media/", "/favicon.ico", "/heartbeat", "/metrics")


def _limited(request: HttpRequest) -> bool:
    """The request gate's requests: the API, and every fan-site page (``/c/<domain>/…`` or any path on a campaign's
    own domain), which are limited like the API (issue 33)."""
    if request.path.startswith(LIMITED_PATHS):
        return True
    if request.path.startswith(UNLIMITED_PATHS):
        return False
    # set by monoql.site.hosts.CampaignHostMiddleware
    return request.path.startswith("/c/") or getattr(request, "is_campaign_host", False)


logger = logging.getLogger("monoql.ratelimits")


@functools.lru_cache(maxsize=8)
def _networks(addresses: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(address.strip(), strict=False) for address in addresses if address.strip())


def _trusted(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The caller's IP (rate limits, the admin login lockout, sign-in limits).

    With ``RATE_LIMIT_TRUSTED_PROXY_ADDRESSES`` (addresses or networks of the proxies in front of the app): the
    connecting address, and then each ``X-Forwarded-For`` entry from the right, are skipped while they are those
    proxies; the first other address is the client. A request that did not come through a listed proxy keeps its
    connecting address, whatever it says in ``X-Forwarded-For`` (gunicorn reached directly cannot be fooled).
    Otherwise ``RATE_LIMIT_TRUSTED_PROXIES`` (a count): the entry that many hops from the right; 0 (the default)
    ignores the header. Returns: the address as text ("" when unknown).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    allowlist = settings.RATE_LIMIT_TRUSTED_PROXY_ADDRESSES
    if allowlist:
        networks = _networks(tuple(allowlist))
        address = remote
        while forwarded and _trusted(address, networks):
            address = forwarded.pop()
        return address
    proxies = settings.RATE_LIMIT_TRUSTED_PROXIES
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return remote


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def caller_key(request: HttpRequest) -> tuple[str, str]:
    """``("user:<id>", user rate)`` for a valid bearer token, else ``("ip:<ip>", anonymous rate)``."""
    token = _bearer(request)
    if token:
        try:
            return f"user:{claims_for_request(request, token)['sub']}", settings.RATE_LIMIT_USER
        except Unauthenticated:  # a bad token is judged later; here it counts as anonymous
            pass
    return f"ip:{client_ip(request)}", settings.RATE_LIMIT_ANON


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"100/m"`` → ``(100, 60)``: requests and window seconds (units s, m, h, d, optionally ``"5/10m"``)."""
    count, _, period = rate.partition("/")
    multiplier = int(period[:-1] or 1)
    return int(count), multiplier * _UNITS[period[-1]]


@dataclass(frozen=True)
class Usage:
    """One counter's state after this request: count in the window, limit, seconds until the window ends."""

    count: int
    limit: int
    time_left: int

    @property
    def should_limit(self) -> bool:
        return self.count > self.limit


@dataclass
class _Counter:
    key: str
    limit: int
    period: int
    window_end: int


def _counter(group: str, caller: str, rate: str, now: int) -> _Counter:
    limit, period = parse_rate(rate)
    shift = zlib.crc32(caller.encode()) % period
    window_end = now - (now % period) + shift
    if window_end <= now:
        window_end += period
    return _Counter(f"rl:{group}:{caller}:{period}:{window_end}", limit, period, window_end)


class RateLimited(DomainError):
    """A sign-in over its budget (``RATE_LIMITED``); ``retry_after`` seconds until the window ends."""

    code = RATE_LIMITED

    def __init__(self, message: str, *, reason: Reason, retry_after: int, limit: str):
        super().__init__(message, reason=reason, extra={"limit": limit, "retryAfter": retry_after})
        self.retry_after = retry_after


def _spend(group: str, caller: str, rate: str) -> Usage:
    """Count one use of ``caller``'s ``group`` budget in the shared cache; returns the usage after it."""
    now = int(time.time())
    counter = _counter(group, caller, rate, now)
    cache.add(counter.key, 0, counter.period + 1)
    count = cache.incr(counter.key)
    return Usage(count, counter.limit, counter.window_end - now)


def sign_in_account(claims: IdentityClaims) -> str:
    """The account a sign-in spends ``RATE_LIMIT_SIGN_IN_ACCOUNT`` of: the identity's subject, else member id, else
    email (every sign-in door counts the same account)."""
    return str(claims.global_user_id or claims.member_id or claims.email)


def check_sign_in(request: HttpRequest, account: str | None = None) -> None:
    """Spend one sign-in of the caller's address (``RATE_LIMIT_SIGN_IN``) or, with ``account`` (the identity's
    subject, known once its token is verified), of that account (``RATE_LIMIT_SIGN_IN_ACCOUNT``).

    A bot flooding sign-ins from one address cannot spend the budget of fans behind other addresses, nor can
    one account be hammered from many. A cache that cannot count lets the sign-in through (logged).
    Raises: RateLimited ``TOO_MANY_SIGN_INS`` (``extensions.limit``: ``signInAddress`` or ``signInAccount``).
    """
    if not settings.RATE_LIMIT_ENABLED:
        return
    if account is None:
        group, caller, rate, name = "signin", f"ip:{client_ip(request)}", settings.RATE_LIMIT_SIGN_IN, "signInAddress"
    else:
        group, caller, rate, name = "signin", f"account:{account}", settings.RATE_LIMIT_SIGN_IN_ACCOUNT, "signInAccount"
    try:
        usage = _spend(group, caller, rate)
    except Exception:  # noqa: BLE001 - the limiter fails open, as the request gate does
        logger.warning("sign-in limiter unavailable (cache down?): sign-in allowed", exc_info=True)
        return
    if usage.should_limit:
        raise RateLimited(
            f"Too many sign-ins; try again in {max(1, usage.time_left)} s.",
            reason=AccountsReason.TOO_MANY_SIGN_INS,
            retry_after=max(1, usage.time_left),
            limit=name,
        )


#: The gate's one Redis command: count each rate key in its window (INCR; the first count of a window sets
#: its expiry) and read the other keys (MGET), atomically, in one round trip. ``KEYS`` = counters then reads;
#: ``ARGV`` = the number of counters, then each counter's window seconds. (Single Redis, not Cluster: the
#: keys of one request need not share a hash slot.) Measured against a pipeline of SET NX EX + INCR + MGET:
#: 0.04 ms less client CPU per request, 0.02 ms more Redis CPU; the web workers are the scarcer resource.
GATE_SCRIPT = """
local counters = tonumber(ARGV[1])
local out = {}
for i = 1, counters do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
  out[i] = count
end
if #KEYS > counters then
  local values = redis.call('MGET', unpack(KEYS, counters + 1))
  for i = 1, #values do out[counters + i] = values[i] end
end
return out
"""
_scripts: dict[int, object] = {}


def _gate_script(redis_client: Any) -> Any:
    """The registered ``GATE_SCRIPT`` for a Redis client (EVALSHA, loading the script when Redis lacks it)."""
    script = _scripts.get(id(redis_client))
    if script is None:
        script = _scripts[id(redis_client)] = redis_client.register_script(GATE_SCRIPT)
    return script


class RequestGate:
    """The request's one cache round trip: rate counters, generation, token/fan prefetch, cached answer."""

    def __init__(self, request: HttpRequest):
        self.request = request
        now = int(time.time())
        self.counters: list[tuple[str, _Counter]] = []
        if settings.RATE_LIMIT_ENABLED:
            caller, rate = caller_key(request)
            self.limit_name = "user" if caller.startswith("user:") else "anonymous"
            self.counters.append((self.limit_name, _counter("api", caller, rate, now)))
            if request.content_type == "multipart/form-data":
                self.counters.append(("upload", _counter("upload", caller, settings.RATE_LIMIT_UPLOAD, now)))
        self.token = _bearer(request) or request.COOKIES.get(settings.SESSION_JWT_COOKIE) or None
        self.fan_id = None
        if self.token:
            try:
                self.fan_id = str(claims_for_request(request, self.token)["sub"])
            except Unauthenticated:
                self.token = None
        self.answer_key = response_cache.probe_key(request)
        self.usages: list[tuple[str, Usage]] = []
        self.generation = None
        self.answer: str | None = None

    def _reads(self) -> list[str]:
        reads = [GENERATION_KEY]
        if self.token and self.fan_id:
            reads += prefetch_keys(self.token, self.fan_id)
        if self.answer_key:
            reads.append(self.answer_key)
        return reads

    def run(self) -> None:
        """Count and read in one pipelined Redis round trip (plain cache calls on another backend).

        Raises whatever the cache raises (the middleware then serves the request unlimited).
        """
        reads = self._reads()
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            client = backend.client
            keys = [client.make_key(counter.key) for _, counter in self.counters]
            keys += [client.make_key(key) for key in reads]
            periods = [counter.period + 1 for _, counter in self.counters]
            results = _gate_script(client.get_client(write=True))(keys=keys, args=[len(periods), *periods])
            counts = [int(count) for count in results[: len(periods)]]
            values = [None if raw is None else client.decode(raw) for raw in results[len(periods) :]]
        else:
            counts = []
            for _, counter in self.counters:
                counts.append(1 if cache.add(counter.key, 1, counter.period + 1) else cache.incr(counter.key))
            found = cache.get_many(reads)
            values = [found.get(key) for key in reads]
        now = int(time.time())
        self.usages = [
            (name, Usage(count, counter.limit, max(0, counter.window_end - now)))
            for (name, counter), count in zip(self.counters, counts, strict=True)
        ]
        self.generation = values[0]
        offset = 1
        if self.token and self.fan_id:
            prefetched: Prefetched = prefetched_from(self.token, self.fan_id, values[1:4])
            setattr(self.request, "gate_prefetch", prefetched)  # noqa: B010 - read by accounts.fan_cache
            offset = 4
        if self.answer_key:
            self.answer = response_cache.current_answer(values[offset], self.generation)

    def refusal_usage(self) -> tuple[str, Usage] | None:
        """The (limit name, usage) that refuses this request, the API budget first; None when within limits."""
        for name, usage in self.usages:
            if usage.should_limit:
                return name, usage
        return None


def _refusal(request: HttpRequest, usage: Usage, limit_name: str) -> HttpResponse:
    count_error(RATE_LIMITED)
    message = f"Too many requests ({limit_name}); retry in {usage.time_left} s."
    extensions = {"code": RATE_LIMITED, "reason": AccountsReason.TOO_MANY_REQUESTS.name, "limit": limit_name}
    if not request.path.startswith(LIMITED_PATHS):
        # A fan-site page: a person in a browser reads a sentence, not JSON.
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Too many requests</title><link rel="stylesheet" href="{static("site/site.css")}"></head>'
            f"<body><main><h1>Too many requests</h1><p>Please wait {max(1, usage.time_left)} seconds and try again."
            "</p></main></body></html>"
        )
        response = HttpResponse(page, status=429, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(max(1, usage.time_left))
        return response
    if request.path.startswith("/graphql"):
        body: dict[str, object] = {"errors": [{"message": message, "extensions": extensions}], "data": None}
    else:
        body = {
            "status": 429,
            "message": message,
            "code": RATE_LIMITED,
            "reason": AccountsReason.TOO_MANY_REQUESTS.name,
            "limit": limit_name,
        }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(max(1, usage.time_left))
    return response


class RateLimitMiddleware:
    """The request gate on ``/graphql`` and ``/api/``: the limits above (``RATE_LIMIT_ENABLED`` switches them
    off), the prefetched reads, and cached anonymous answers served before GraphQL runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _limited(request):
            return self.get_response(request)
        gate = RequestGate(request)
        try:
            gate.run()
        except Exception:  # noqa: BLE001 - any cache failure: the limiter fails open, the request is served
            logger.warning("rate limiter unavailable (cache down?): request served unlimited", exc_info=True)
            count_error("RATE_LIMIT_UNAVAILABLE")
            setattr(request, "gate_prefetch", None)  # noqa: B010 - read by accounts.fan_cache
            return self.get_response(request)
        prefetch = use_prefetched(gate.generation)
        response: HttpResponseBase
        try:
            refused = gate.refusal_usage()
            if refused is not None:
                response = _refusal(request, refused[1], refused[0])
            elif gate.answer is not None and gate.answer_key is not None:
                response = response_cache.answer_response(request, gate.answer_key, gate.answer, gate.generation)
            else:
                if gate.answer_key:
                    setattr(request, "answer_cache_probe", (gate.answer_key, gate.generation))  # noqa: B010
                response = self.get_response(request)
        finally:
            end_prefetched(prefetch)
        if gate.usages:
            usage = (refused or (gate.limit_name, gate.usages[0][1]))[1]
            response["X-RateLimit-Limit"] = str(usage.limit)
            response["X-RateLimit-Remaining"] = str(max(0, usage.limit - usage.count))
            response["X-RateLimit-Reset"] = str(usage.time_left)
        return response


def spend_password_try(request: HttpRequest, domain: str) -> int:
    """Spend one try at a protected campaign's password (``domain``) from the caller's address and, when signed in,
    from the fan (``CAMPAIGN_PASSWORD_ATTEMPTS`` each in ``CAMPAIGN_PASSWORD_WINDOW_SECONDS``): a guesser behind
    one address cannot spend another's tries, nor one account try from many addresses.

    Returns: 0 when the try may go on, else the seconds until a window lets it. A cache that cannot count lets the
    try through (logged), as the request gate does.
    """
    rate = f"{settings.CAMPAIGN_PASSWORD_ATTEMPTS}/{settings.CAMPAIGN_PASSWORD_WINDOW_SECONDS}s"
    callers = [f"ip:{client_ip(request)}"]
    token = _bearer(request) or request.COOKIES.get(settings.SESSION_JWT_COOKIE)
    if token:
        try:
            callers.append(f"fan:{claims_for_request(request, token)['sub']}")
        except Unauthenticated:
            pass  # an invalid session counts as its address only
    waits = []
    for caller in callers:
        try:
            usage = _spend(f"password:{domain}", caller, rate)
        except Exception:  # noqa: BLE001 - the limiter fails open
            logger.warning("password-try limiter unavailable (cache down?): try allowed", exc_info=True)
            return 0
        if usage.should_limit:
            waits.append(max(1, usage.time_left))
    return max(waits, default=0)
