"""The embedded default and the production mode are chosen by the environment alone."""

import os
import subprocess
import sys

from django.conf import settings

SNIPPET = (
    "import django, json; from django.conf import settings as s; django.setup();"
    "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, s.STORAGES['default']['BACKEND']]))"
)


def _settings_with(env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="monoql.settings")
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=clean, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_nothing_set_gives_the_embedded_default():
    assert _settings_with({}) == (
        '["django.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache", true, '
        '"django.core.files.storage.FileSystemStorage"]'
    )


def test_production_variables_switch_every_backend():
    env = {
        "DATABASE_URL": "postgres://u@db:5432/monoql",
        "REDIS_URL": "redis://cache:6379/0",
        "CELERY_BROKER_URL": "redis://cache:6379/1",
        "AWS_STORAGE_BUCKET_NAME": "bucket",
    }
    assert _settings_with(env) == (
        '["django.db.backends.postgresql", "django_redis.cache.RedisCache", false, "storages.backends.s3.S3Storage"]'
    )
