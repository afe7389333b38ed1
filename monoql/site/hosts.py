"""Which host names this deployment answers: the project's own (``PROJECT_HOSTS``, set with the
``ALLOWED_HOSTS`` variable) and every active campaign's fan-site domain, so a new campaign needs no deploy.

Django's own host check is left open (``ALLOWED_HOSTS = ["*"]``) and this middleware, first in the chain,
does it instead: an unknown host is answered 400 (JSON, ``VALIDATION_ERROR``/``INVALID_HOST``) before any
view runs. Campaign domains come from ``campaigns.selectors.campaign_hosts`` (cached per campaign
generation), asked only for hosts that are not the project's, so the API on a project host costs no query.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host

from campaigns.selectors import campaign_hosts


def request_domain(request) -> str:
    """The request's host name, lower-case, without the port ('' when absent or malformed)."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in request.META:
        raw = request.META["HTTP_X_FORWARDED_HOST"]
    else:
        raw = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    domain, _port = split_domain_port(raw)
    return domain


#: Paths that are never a fan-site page: on a project host they need no campaign lookup (and must answer while the
#: database or the cache is down: /heartbeat).
API_PATHS = ("/graphql", "/api/", "/admin/", "/static/", "/media/", "/heartbeat", "/metrics", "/c/")


class CampaignHostMiddleware:
    """Refuse requests for hosts that are neither the project's nor an active campaign's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        domain = request_domain(request)
        project = bool(domain) and validate_host(domain, settings.PROJECT_HOSTS)
        # A campaign's fan site (limited like the API: accounts.ratelimits). On a project host (a development
        # ``*.localhost`` domain can be both) the lookup only marks the request, never refuses it: API paths skip it,
        # and a database or cache that cannot answer leaves the request unmarked (the view answers the outage).
        if not project:
            request.is_campaign_host = bool(domain) and domain in campaign_hosts()
        elif request.path.startswith(API_PATHS):
            request.is_campaign_host = False
        else:
            try:
                request.is_campaign_host = domain in campaign_hosts()
            except Exception:  # noqa: BLE001 - marking only; the outage is answered where it matters
                request.is_campaign_host = False
        if not (project or request.is_campaign_host):
            body = {
                "errors": [
                    {"message": "Unknown host.", "extensions": {"code": "VALIDATION_ERROR", "reason": "INVALID_HOST"}}
                ]
            }
            return HttpResponse(json.dumps(body), status=400, content_type="application/json")
        return self.get_response(request)


def campaign_domain_of(request) -> str | None:
    """The campaign domain the request was made on (its fan site answers at ``/``), or None."""
    domain = request_domain(request)
    return domain if domain and domain in campaign_hosts() else None
