"""WSGI entry point (gunicorn monoql.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
application = get_wsgi_application()
