"""Where a page's time goes: cProfile of a few requests through the whole middleware stack, and its SQL.

    . bench/env.sh && .venv/bin/python bench/meetings/profile_page.py [--session KEY] [--repeat 5] [--top 30]
        [--clear-cache] PATH

The first request warms up (imports, caches); the next `--repeat` requests run under cProfile. Prints the
time per request, the SQL statements (count and total time) of the last request, and the functions with
the most cumulative and own time. Run with the benchmark's environment (bench/env.sh), like
bench/querycount.py, so settings, database and cache are those gunicorn used.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--session", default="")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--clear-cache", action="store_true",
                        help="empty the cache before each profiled request (e.g. a PDF cached by its content)")
    args = parser.parse_args()
    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT="bphub-bench", HTTP_X_FORWARDED_PROTO="https",
                    REMOTE_ADDR="127.0.0.1")
    if args.session:
        client.cookies[settings.SESSION_COOKIE_NAME] = args.session
    response = client.get(args.path)
    print(f"{args.path}: status {response.status_code}, {len(response.content)} bytes")
    profile = cProfile.Profile()
    began = time.perf_counter()
    for _n in range(args.repeat):
        if args.clear_cache:
            cache.clear()
        profile.enable()
        response = client.get(args.path)
        profile.disable()
    per_request = (time.perf_counter() - began) / args.repeat * 1000
    if args.clear_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path)
    sql_ms = sum(float(q.get("time") or 0) for q in queries.captured_queries) * 1000
    print(f"{per_request:.1f} ms per request under cProfile; SQL of one request: {len(queries)} statements, "
          f"{sql_ms:.1f} ms")
    for q in queries.captured_queries:
        print(f"  {float(q.get('time') or 0) * 1000:7.1f} ms  {q['sql'][:160]}")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(order).print_stats(args.top)
        print(f"--- top {args.top} by {order} (over {args.repeat} requests) ---")
        print("\n".join(line[:200] for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
