"""Settings for the registration benchmark's ceiling run: the app's settings plus one plain view."""

from monoql.settings import *  # noqa: F403

ROOT_URLCONF = "bench.plain_urls"
