"""Settings for benchmark variants: the project's settings, with what BENCH_VARIANT names changed.

Used only by bench/run.sh (DJANGO_SETTINGS_MODULE=bench_settings, PYTHONPATH=bench) to measure what a
settings change buys before it is made in config/settings.py. BENCH_VARIANT is a "+"-joined list of:
  allauth_activity_tracking  USERSESSIONS_TRACK_ACTIVITY = True: allauth writes the session's activity on
                             every signed-in request (what bphub replaced with a once-a-minute update)
  db_sessions                SESSION_ENGINE = db: sessions read from the database instead of Redis
Example: BENCH_SKIP_SETUP=1 BENCH_VARIANTS="allauth_activity_tracking" bench/run.sh
"""

import os

from config.settings import *  # noqa: F403

VARIANT = os.environ.get("BENCH_VARIANT", "baseline")
for name in VARIANT.split("+"):
    if name == "allauth_activity_tracking":
        USERSESSIONS_TRACK_ACTIVITY = True
        MIDDLEWARE = [*MIDDLEWARE, "allauth.usersessions.middleware.UserSessionsMiddleware"]  # noqa: F405
    elif name == "db_sessions":
        SESSION_ENGINE = "django.contrib.sessions.backends.db"
    elif name != "baseline":
        raise ValueError(f"Unknown BENCH_VARIANT part {name!r}")
