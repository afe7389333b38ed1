"""WSGI entry point (gunicorn monoql.wsgi).

Garbage collection in a web worker: everything loaded at start-up (Django, the schema, the URL map) lives
as long as the worker, so it is frozen out of the collector's scans (``gc.freeze``), and the youngest
generation is collected every ``WEB_GC_THRESHOLD`` allocations (default 10,000, Python's is 700): a GraphQL
request allocates thousands of short-lived objects, and collecting them every 700 cost a registration
~0.05 ms for nothing (issue 23). Memory stays bounded: reference counting frees nearly all of them anyway.

In production, a start without configured proxies (``RATE_LIMIT_TRUSTED_PROXY_ADDRESSES`` or
``RATE_LIMIT_TRUSTED_PROXIES``) logs a warning: every fan would share the load balancer's address.
"""

import gc
import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
application = get_wsgi_application()

from monoql.site.checks import PROXY_HINT, PROXY_WARNING, proxies_configured  # noqa: E402 - needs Django set up

if settings.PRODUCTION and not proxies_configured():
    # Loudly, at every start: check --deploy says so too (monoql.W002), but nobody reads it at 3 a.m.
    logging.getLogger("monoql.deploy").warning("%s %s", PROXY_WARNING, PROXY_HINT)
gc.freeze()
_, second, third = gc.get_threshold()
gc.set_threshold(settings.WEB_GC_THRESHOLD, second, third)
