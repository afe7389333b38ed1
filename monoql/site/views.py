"""The reference fan site: pages of a campaign at its domain (or ``/c/<domain>/`` locally).

Built only on the public GraphQL API: the server renders each page from the committed ``CampaignPage``
document (executed in-process with the fan's own session, exactly as ``/graphql`` would answer it), and
the browser's module (``assets/static/site/site.js``) sends the other committed documents to ``/graphql``
for every write — sign-in, registration, phone confirmation, sign-out. The read-only landing page works
without JavaScript. Pages carry a Content-Security-Policy without inline scripts; the session is the
httpOnly cookie ``authenticate`` sets, mutations send Django's CSRF token.
"""

import hashlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.identity import mint_development_identity_token
from accounts.oidc import begin_sign_in, finish_sign_in, oidc_enabled
from accounts.ratelimits import RateLimited, check_sign_in, sign_in_account, spend_password_try
from accounts.reasons import AccountsReason
from accounts.services import sign_in_claims
from accounts.session import viewer_session
from campaigns.cdn import surrogate_keys
from campaigns.reasons import CampaignsReason
from campaigns.selectors import open_campaigns_for_index
from monoql.audit import Channel
from monoql.errors import HTTP_STATUS, DomainError, Unauthenticated, Unavailable, ValidationFailed
from monoql.generation import generation
from monoql.locales import normalize_locale
from monoql.reasons import ReasonEnum
from monoql.schema import schema
from monoql.site.hosts import campaign_domain_of
from monoql.site.text import language, locale_name, messages, ordinal, reason_text, when, words

DOCUMENTS_DIR = Path(__file__).with_name("graphql")
#: The GraphQL documents the site sends, by operation name (``monoql/site/graphql/*.graphql``).
DOCUMENTS = {path.stem: path.read_text() for path in sorted(DOCUMENTS_DIR.glob("*.graphql"))}
BROWSER_DOCUMENTS = [name for name in DOCUMENTS if name != "CampaignPage"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
LANDING_CACHE_SECONDS = 60
STEPS = ("landing", "signin", "register", "phone", "status")


def dev_sign_in_enabled() -> bool:
    """The development sign-in form exists only with the development identity provider, never in production, and
    not where fans sign in through OpenID Connect."""
    return settings.IDENTITY_PROVIDER == "development" and not settings.PRODUCTION and not oidc_enabled()


class PasswordRequired(Exception):
    """The campaign asks for its password and this browser has not given it (``wrong``: it gave another)."""

    def __init__(self, wrong: bool = False):
        super().__init__("password required")
        self.wrong = wrong


def _run(request, variables: dict) -> dict | None:
    """Execute ``CampaignPage`` as the fan; the campaign document, or None when there is no such campaign."""
    result = schema.execute(DOCUMENTS["CampaignPage"], variable_values=variables, context_value=request)
    if result.errors:
        for error in result.errors:
            if isinstance(getattr(error, "original_error", None), (OperationalError, InterfaceError)):
                raise error.original_error  # a database outage: ServiceUnavailableMiddleware answers 503
        reasons = {getattr(getattr(error, "original_error", None), "reason", None) for error in result.errors}
        if CampaignsReason.INVALID_CAMPAIGN_PASSWORD.name in reasons:
            raise PasswordRequired(wrong=bool(variables.get("password")))
        codes = {getattr(getattr(error, "original_error", None), "code", None) for error in result.errors}
        if codes & {"NOT_FOUND", "FORBIDDEN"}:
            return None
        raise result.errors[0]
    return result.data["viewer"]


def _merge(default, current):
    """``current`` with every missing text taken from ``default`` (fallback to the default locale)."""
    if isinstance(default, dict) and isinstance(current, dict):
        return {key: _merge(default.get(key), current.get(key)) for key in {*default, *current}}
    if current in (None, "", [], {}):
        return default
    return current


def _label(label: dict | None, locale: str, default_locale: str) -> str:
    values = {row["locale"]: row["value"] for row in (label or {}).get("localized") or []}
    return values.get(locale) or values.get(default_locale) or next(iter(values.values()), "")


def _page(request, domain: str, locale: str | None, password: str | None = None) -> dict:
    viewer = _run(request, {"domain": domain, "locale": locale, "password": password})
    if viewer is None or not viewer["campaign"]:
        raise Http404("No campaign here.")
    campaign = viewer["campaign"]
    current = (campaign.get("currentLocale") or {}).get("id") or "en_US"
    default = next((row["id"] for row in campaign.get("locales") or [] if row["is_default"]), current)
    localized = {row["locale"]: row["value"] for row in (campaign["content"] or {}).get("localized") or []}
    content = _merge(localized.get(default) or {}, localized.get(current) or {})
    fallback = sorted(key for key in (localized.get(default) or {}) if not (localized.get(current) or {}).get(key))
    errors = {row["code"]: row["message"] for row in content.get("errors") or [] if row}
    zone = campaign.get("referenceTimezone") or (campaign["markets"][0]["timezone"] if campaign["markets"] else None)
    markets = {market["id"]: market for market in campaign["markets"]}
    for market in campaign["markets"]:
        event = market.get("event") or {}
        market["when"] = when(event.get("date"), market.get("timezone"), current)
        market["venue"] = (event.get("venue") or {}).get("name") or ""
    entry = campaign.get("entry")
    fields = _form_fields(campaign, viewer, entry, current, default)
    selection = ((entry or {}).get("attributes") or {}).get("selection")
    entry_fields = (entry or {}).get("fields") or {}
    chosen = [entry_fields.get(spec["id"]) for spec in fields if spec["type"] == "market_select"]
    chosen += [
        m for spec in fields if spec["type"] == "additional_markets_select" for m in entry_fields.get(spec["id"]) or []
    ]
    eligibility = campaign.get("eligibility") or {"isEligible": True, "reason": None}
    date = campaign["date"]
    return {
        "viewer": viewer,
        "campaign": campaign,
        "locale": current,
        "lang": language(current).replace("_", "-"),
        "default_locale": default,
        "fallback_sections": fallback,
        "content": content,
        "w": words(current),
        "zone": zone,
        "dates": {
            "open": when(date.get("open") or date.get("opened"), zone, current),
            "close": when(date.get("close") or date.get("closed"), zone, current),
            "presale": when(date.get("presaleWindowStart"), zone, current),
        },
        "markets": campaign["markets"],
        "fields": fields,
        "entry": entry,
        "entry_fields": entry_fields,
        "chosen_markets": [markets[m] for m in chosen if m in markets],
        "selection": selection,
        "selected_market": markets.get((selection or {}).get("marketId")),
        "eligibility": eligibility,
        "reason_text": (
            words(current)["not_invited"].format(email=viewer.get("email") or "")
            if eligibility.get("reason") == "NO_INVITE" and viewer.get("email") and "NO_INVITE" not in errors
            else reason_text(eligibility.get("reason"), current, errors)
        ),
        "invite_only": bool(((campaign.get("options") or {}).get("gate") or {}).get("inviteOnly")),
        "uninvited": eligibility.get("reason") == "NO_INVITE" and bool(viewer.get("isLoggedIn")),
        "requires_phone": bool((campaign.get("options") or {}).get("promptConfirmPhone")),
        "phone_confirmed": bool(((entry or {}).get("date") or {}).get("phoneConfirmed")),
        "entry_created": when(((entry or {}).get("date") or {}).get("created"), zone, current),
        "entry_phone_confirmed": when(((entry or {}).get("date") or {}).get("phoneConfirmed"), zone, current),
        "image": ((campaign.get("image") or {}).get("main") or {}),
    }


def _form_fields(campaign: dict, viewer: dict, entry: dict | None, locale: str, default: str) -> list[dict]:
    """The registration form, field by field, with the fan's current values (their entry's, else their
    account's email and phone) and, for the ranked market choice, one select per rank."""
    values = (entry or {}).get("fields") or {}
    fields = []
    for spec in campaign.get("preferences") or []:
        field = {**spec, "text": _label(spec.get("label"), locale, default), "value": values.get(spec["id"])}
        additional = spec.get("additional") or {}
        if field["value"] is None and spec["type"] == "email":
            field["value"] = viewer.get("email")
        if field["value"] is None and spec["type"] == "phone":
            field["value"] = viewer.get("phone")
        if spec["type"] == "market_select":
            field["rank_text"] = ordinal(1, locale)
        if spec["type"] == "additional_markets_select":
            chosen = list(values.get(spec["id"]) or [])
            count = min(int(additional.get("max") or 3), 3)
            field["slots"] = [
                {"index": i, "text": ordinal(i + 2, locale), "value": chosen[i] if i < len(chosen) else ""}
                for i in range(count)
            ]
        if spec["type"] == "checklist":
            picked = set(field["value"] or [])
            field["items"] = [
                {
                    "id": item.get("id") if isinstance(item, dict) else item,
                    "text": (item.get("label") or item.get("id")) if isinstance(item, dict) else item,
                    "checked": (item.get("id") if isinstance(item, dict) else item) in picked,
                }
                for item in additional.get("items") or []
            ]
        fields.append(field)
    return fields


def _base(request, domain: str) -> str:
    return "/" if campaign_domain_of(request) == domain else f"/c/{domain}/"


def _locale_param(request) -> str | None:
    """The page's ``?locale=``, or None when absent or not a locale (a mangled link shows the campaign's default
    locale instead of an error page)."""
    value = request.GET.get("locale", "").strip()
    try:
        return normalize_locale(value) if value else None
    except ValidationFailed:
        return None


def _config(page: dict, base: str) -> dict:
    return {
        "campaignId": page["campaign"]["id"],
        "locale": page["locale"],
        "base": base,
        "localeQuery": f"?locale={page['locale']}",
        "requiresPhone": page["requires_phone"],
        "phoneConfirmed": page["phone_confirmed"],
        "devSignIn": f"{base}dev-sign-in" if dev_sign_in_enabled() else None,
        "words": {key: page["w"][key] for key in ("code_sent", "resend_code")},
    }


def _respond(request, template: str, page: dict, base: str, *, cacheable: bool = False) -> HttpResponse:
    config = _config(page, base)
    if template != "site/landing.html":
        # the sentences for the API's answers, in the page's language (the landing page sends nothing to answer)
        config["messages"] = messages(page["locale"])
    provider = settings.OIDC_PROVIDER_NAME or page["w"]["sign_in_provider"]
    context = {
        **page,
        "base": base,
        "config": config,
        "documents": {name: DOCUMENTS[name] for name in BROWSER_DOCUMENTS},
        "dev_sign_in": dev_sign_in_enabled(),
        "oidc": oidc_enabled(),
        "oidc_button": page["w"]["sign_in_with"].format(provider=provider),
        "oidc_intro": page["w"]["sign_in_intro"].format(provider=provider),
        "locales": [{**row, "name": locale_name(row["id"])} for row in page["campaign"].get("locales") or []],
    }
    if not cacheable:
        get_token(request)  # the CSRF cookie the page's mutations send back
    response = render(request, template, context)
    response["Content-Security-Policy"] = CSP
    response["Referrer-Policy"] = "same-origin"
    if not cacheable:
        response["Cache-Control"] = "private, no-store"
    return response


def _signed_in(request) -> bool:
    return bool(request.COOKIES.get(settings.SESSION_JWT_COOKIE))


def landing(request, domain: str | None = None):
    """The campaign's landing page: artist, dates, shows, copy and FAQs, and what to do now for its status.

    Anonymous answers are cached (per host, domain, locale and campaign generation) and carry
    ``Cache-Control``, an ``ETag`` and the ``Surrogate-Key`` a CDN purge uses (``campaigns.cdn``); a matching
    ``If-None-Match`` answers 304.
    """
    domain = domain or campaign_domain_of(request)
    if not domain:
        return index(request)
    base = _base(request, domain)
    locale = _locale_param(request)
    try:
        if _signed_in(request) or request.COOKIES.get(settings.CAMPAIGN_PASSWORD_COOKIE):
            # a page for this browser only: never in the shared cache (nor one a password opened)
            return _respond(request, "site/landing.html", _page(request, domain, locale), base)
        return _cached_landing(request, domain, base, locale)
    except PasswordRequired:
        return _password_page(request, base, locale)


def _cached_landing(request, domain: str, base: str, locale: str | None) -> HttpResponse:
    """The anonymous landing page from the shared cache (see ``landing``)."""
    key = f"site:{request.get_host()}:{domain}:{locale}:{generation()}"
    cached = cache.get(key)
    if cached is None or len(cached) != 3:
        page = _page(request, domain, locale)
        body = _respond(request, "site/landing.html", page, base, cacheable=True).content
        keys = " ".join(surrogate_keys(page["campaign"]["id"], domain))
        cached = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', keys)
        cache.set(key, cached, timeout=LANDING_CACHE_SECONDS)
    body, etag, keys = cached
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = CSP
    response["ETag"] = etag
    response["Surrogate-Key"] = keys  # what campaigns.cdn purges when the campaign changes
    response["Cache-Control"] = f"public, max-age={LANDING_CACHE_SECONDS}"
    response["Vary"] = "Cookie"
    return response


def step(request, name: str, domain: str | None = None):
    """``signin``, ``register``, ``phone`` and ``status``: each sends a fan where they can act.

    Registering needs a signed-in fan on an OPEN campaign; the phone step an entry; the status page a
    signed-in fan. Otherwise the fan is sent to the step that comes first.
    """
    domain = domain or campaign_domain_of(request)
    if not domain or name not in STEPS:
        raise Http404("No campaign here.")
    base = _base(request, domain)
    locale = _locale_param(request)
    suffix = f"?locale={locale}" if locale else ""
    try:
        page = _page(request, domain, locale)
    except PasswordRequired:
        return _password_page(request, base, locale)
    signed_in = page["viewer"]["isLoggedIn"]
    if name in ("register", "phone", "status") and not signed_in:
        return redirect(f"{base}signin{suffix}")
    if name == "register" and page["campaign"]["status"] != "OPEN":
        return redirect(f"{base}status{suffix}" if page["entry"] else f"{base}{suffix}")
    if name == "phone" and not page["entry"]:
        return redirect(f"{base}register{suffix}")
    if name == "signin" and signed_in:
        return redirect(f"{base}{'status' if page['entry'] else 'register'}{suffix}")
    return _respond(request, f"site/{name}.html", page, base)


def _page_locale(request, locale: str | None) -> str:
    """The language of a page shown before the campaign is read: ``?locale=``, else the browser's."""
    if locale:
        return locale
    accepted = request.headers.get("Accept-Language", "").split(",")[0].strip().lower()
    return "fr_CA" if accepted.startswith("fr") else "en_US"


def _password_page(request, base: str, locale: str | None, *, error: str = "", status: int = 200) -> HttpResponse:
    """The password form of a protected presale: nothing of the campaign on it, in the fan's language."""
    current = _page_locale(request, locale)
    get_token(request)
    context = {
        "w": words(current),
        "lang": language(current).replace("_", "-"),
        "locale": current,
        "base": base,
        "error": error,
        "campaign": {"name": words(current)["password_title"]},
        "content": {},
        "config": {"base": base, "locale": current, "localeQuery": f"?locale={current}"},
        "documents": {},
        "locales": [],
    }
    response = render(request, "site/password.html", context, status=status)
    response["Content-Security-Policy"] = CSP
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def campaign_password(request, domain: str | None = None):
    """``POST password``: a protected presale's password, from its form. The right one is remembered for this
    browser (the signed ``CAMPAIGN_PASSWORD_COOKIE``, as the GraphQL ``campaign(password:)`` argument does) and the
    fan goes on to the page; a wrong one shows the form again. Tries are limited per address and per signed-in fan
    (``CAMPAIGN_PASSWORD_ATTEMPTS`` in ``CAMPAIGN_PASSWORD_WINDOW_SECONDS``), before the password is even read."""
    domain = domain or campaign_domain_of(request)
    if not domain:
        raise Http404("No campaign here.")
    base = _base(request, domain)
    locale = _locale_param(request)
    current = _page_locale(request, locale)
    waited = spend_password_try(request, domain)
    if waited:
        minutes = max(1, -(-waited // 60))
        text = words(current)["password_locked"].format(minutes=minutes)
        response = _password_page(request, base, locale, error=text, status=429)
        response["Retry-After"] = str(waited)
        return response
    given = str(request.POST.get("password") or "")[:256]
    try:
        _page(request, domain, locale, password=given)
    except PasswordRequired:
        return _password_page(request, base, locale, error=words(current)["password_wrong"], status=403)
    response = redirect(f"{base}?locale={current}" if locale else base)
    viewer_session(request).apply_cookies(response)
    return response


#: The Django-session key of the locale a sign-in started in (the callback's page speaks it).
SIGN_IN_LOCALE_KEY = "site:sign_in_locale"


def sign_in_start(request, domain: str | None = None):
    """``GET signin/start``: send the fan to the OpenID Connect provider (``accounts.oidc.begin_sign_in``), to come
    back at ``signin/callback`` on this campaign's site. 404 when the site does not sign in through OpenID
    Connect; the sign-in page with the reason when the provider does not answer (503)."""
    domain = domain or campaign_domain_of(request)
    if not domain or not oidc_enabled():
        raise Http404("No sign-in here.")
    base = _base(request, domain)
    locale = _locale_param(request)
    request.session[SIGN_IN_LOCALE_KEY] = locale or ""
    try:
        return begin_sign_in(request, request.build_absolute_uri(f"{base}signin/callback"), locale=locale or "")
    except Unavailable as error:
        return _sign_in_refused(request, domain, base, locale, error)


def sign_in_callback(request, domain: str | None = None):
    """``GET signin/callback``: the provider's answer. A verified ID token signs the fan in exactly as
    ``authenticate`` does (``accounts.services.sign_in_claims``: same claims, same fan, our session cookie) and sends
    them on (``signin`` → register or status); a cancelled or failed sign-in shows the sign-in page saying so, in the
    fan's language (200 cancelled, 401 failed, 429 too many sign-ins, 503 provider down). Sign-ins are limited per
    address before the answer is read and per account once verified, as ``authenticate``'s."""
    domain = domain or campaign_domain_of(request)
    if not domain or not oidc_enabled():
        raise Http404("No sign-in here.")
    base = _base(request, domain)
    locale = request.session.get(SIGN_IN_LOCALE_KEY) or None
    try:
        check_sign_in(request)
        claims = finish_sign_in(request)
        result = sign_in_claims(
            claims,
            channel=Channel.SITE,
            admit=lambda verified: check_sign_in(request, account=sign_in_account(verified)),
        )
    except (Unauthenticated, RateLimited, Unavailable) as error:
        return _sign_in_refused(request, domain, base, locale, error)
    session = viewer_session(request)
    session.sign_in(result.fan, result.session.token, max(result.session.expires_at - int(time.time()), 0))
    response = redirect(f"{base}signin?locale={locale}" if locale else f"{base}signin")
    session.apply_cookies(response)
    return response


#: The site's word for each reason a sign-in is refused for; any other reason is a failed sign-in.
_SIGN_IN_REFUSAL_WORDS: dict[ReasonEnum | None, str] = {
    AccountsReason.SIGN_IN_CANCELLED: "sign_in_cancelled",
    AccountsReason.TOO_MANY_SIGN_INS: "sign_in_limited",
    AccountsReason.IDENTITY_PROVIDER_UNAVAILABLE: "sign_in_unavailable",
}


def _sign_in_refused(request, domain: str, base: str, locale: str | None, error: DomainError) -> HttpResponse:
    """The sign-in page saying why the sign-in did not happen (``error``), with the button to try again."""
    try:
        page = _page(request, domain, locale)
    except PasswordRequired:
        return _password_page(request, base, locale)
    page["sign_in_error"] = page["w"][_SIGN_IN_REFUSAL_WORDS.get(error.reason_member, "sign_in_failed")]
    response = _respond(request, "site/signin.html", page, base)
    response.status_code = 200 if error.reason_member is AccountsReason.SIGN_IN_CANCELLED else HTTP_STATUS[error.code]
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@require_POST
def dev_sign_in(request, domain: str | None = None):
    """``POST {email}`` → ``{token}``: a development identity token for the sign-in form (then sent to
    ``authenticate``). Only with the development identity provider outside production; 404 otherwise."""
    if not dev_sign_in_enabled():
        raise Http404("No development sign-in here.")
    try:
        email = str(json.loads(request.body or b"{}").get("email") or "").strip().lower()
    except (ValueError, AttributeError):
        email = ""
    if "@" not in email or len(email) > 254:
        body = {
            "errors": [
                {"message": "Enter your email address.", "extensions": {"code": "VALIDATION_ERROR", "field": "email"}}
            ]
        }
        return JsonResponse(body, status=400)
    return JsonResponse({"token": mint_development_identity_token(email)})


def index(request):
    """Where no campaign owns the host (e.g. ``127.0.0.1:8000``): the open campaigns' fan sites."""
    response = render(request, "site/index.html", {"campaigns": open_campaigns_for_index(), "w": words("en_US")})
    response["Content-Security-Policy"] = CSP
    return response
