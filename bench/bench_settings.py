"""Settings for benchmark variants: the project's settings, with what BENCH_VARIANT names changed.

Used only by bench/run.sh (DJANGO_SETTINGS_MODULE=bench_settings, PYTHONPATH=bench) to measure what a
change would buy before anyone makes it in config/settings.py. BENCH_VARIANT is a "+"-joined list of:
  no_activity_tracking   USERSESSIONS_TRACK_ACTIVITY = False: no UserSession UPDATE (+ BEGIN/SELECT/COMMIT)
                         on every signed-in request
  cached_db_sessions     SESSION_ENGINE = cached_db: the session is read from the cache (Redis), not the
                         database, on every request (still written through to the database)
"""

import os

from config.settings import *  # noqa: F403

VARIANT = os.environ.get("BENCH_VARIANT", "baseline")
for name in VARIANT.split("+"):
    if name == "no_activity_tracking":
        USERSESSIONS_TRACK_ACTIVITY = False
    elif name == "cached_db_sessions":
        SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    elif name != "baseline":
        raise ValueError(f"Unknown BENCH_VARIANT part {name!r}")
