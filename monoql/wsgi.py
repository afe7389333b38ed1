"""WSGI entry point (gunicorn monoql.wsgi).

Garbage collection in a web worker: everything loaded at start-up (Django, the schema, the URL map) lives
as long as the worker, so it is frozen out of the collector's scans (``gc.freeze``), and the youngest
generation is collected every ``WEB_GC_THRESHOLD`` allocations (default 10,000, Python's is 700): a GraphQL
request allocates thousands of short-lived objects, and collecting them every 700 cost a registration
~0.05 ms for nothing (issue 23). Memory stays bounded: reference counting frees nearly all of them anyway.
"""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
application = get_wsgi_application()
gc.freeze()
_, second, third = gc.get_threshold()
gc.set_threshold(settings.WEB_GC_THRESHOLD, second, third)
