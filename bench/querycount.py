"""Per-request SQL of a page, for a signed-in session or anonymously (run with the bench environment).

    python bench/querycount.py [--session KEY] [--repeat 2] [--sql] PATH...

Requests go through the whole middleware stack (django.test.Client) with the same headers as the load
tool; the first request of each path warms up, the last one is reported. Prints one JSON line per path.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--session", default="")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sql", action="store_true", help="print every statement of the last request")
    args = parser.parse_args()
    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(
        HTTP_HOST=host, HTTP_USER_AGENT="bphub-bench", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1"
    )
    if args.session:
        client.cookies[settings.SESSION_COOKIE_NAME] = args.session
    for path in args.paths:
        for _ in range(max(1, args.repeat)):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path, secure=settings.PRODUCTION)
                elapsed = time.perf_counter() - started
        statements = [q["sql"] for q in ctx.captured_queries]
        writes = [s for s in statements if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
        print(
            json.dumps(
                {
                    "variant": os.environ.get("BENCH_VARIANT", "baseline"),
                    "path": path,
                    "signed_in": bool(args.session),
                    "status": response.status_code,
                    "queries": len(statements),
                    "writes": len(writes),
                    "ms": round(elapsed * 1000, 1),
                    "bytes": len(response.content),
                }
            )
        )
        if args.sql:
            for number, sql in enumerate(statements, start=1):
                print(f"  {number:2d}. {sql[:400]}")


if __name__ == "__main__":
    main()
