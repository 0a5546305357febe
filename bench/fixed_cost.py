"""The fixed cost of a signed-in request, measured in-process (issue 10: ≤ 5 ms).

    . bench/env.sh && .venv/bin/python bench/fixed_cost.py [--requests 400] [--profile] [PATH]

Signs in one user of each member-facing role (the session a real sign-in leaves: password, TOTP,
allauth's UserSession), then requests PATH (default /research/, a page that renders the site's frame
and nothing else) through the whole middleware stack with django.test.Client, signed in and
anonymously. The fixed cost of being signed in is the difference of their medians. CPU time
(time.process_time) is reported beside wall time: it is what the request costs this process and is
less disturbed by other work on the machine. Needs a migrated database with reference data.
"""

import argparse
import cProfile
import os
import pstats
import statistics
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

ROLES = ("member_official", "member_coordinator", "wg_co_chair", "rso_staff")


def bench_user(role: str):
    from bphub.accounts.models import User
    from bphub.accounts.testing import create_user
    from bphub.members.models import Member

    email = f"fixed-cost-{role}@bench.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        member = Member.objects.get(code="ID") if role not in {"rso_staff", "rso_admin"} else None
        user = create_user(role, member, email=email)
    return user


def session_for(user) -> str:
    from bench.commands.bench_session import Command

    return Command._session_for(user, "127.0.0.1", "bphub-bench")


def client_for(session_key: str | None) -> Client:
    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT="bphub-bench", REMOTE_ADDR="127.0.0.1")
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def timed(client: Client, path: str, count: int) -> dict:
    walls, cpus = [], []
    for _ in range(20):  # warm-up: imports, template loading, caches
        client.get(path, secure=settings.PRODUCTION)
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, secure=settings.PRODUCTION)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(path, secure=settings.PRODUCTION)
    walls.sort()
    return {
        "wall_p50_ms": statistics.median(walls) * 1000,
        "wall_p95_ms": walls[int(len(walls) * 0.95)] * 1000,
        "cpu_p50_ms": statistics.median(cpus) * 1000,
        "queries": len(queries.captured_queries),
        "sql": [q["sql"][:160] for q in queries.captured_queries],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="/research/")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="print the top functions of signed-in requests")
    parser.add_argument("--sql", action="store_true", help="print the statements of a signed-in request")
    args = parser.parse_args()
    anonymous = timed(client_for(None), args.path, args.requests)
    print(f"{'anonymous':20} wall p50 {anonymous['wall_p50_ms']:6.2f} ms  p95 {anonymous['wall_p95_ms']:6.2f}  "
          f"cpu p50 {anonymous['cpu_p50_ms']:6.2f} ms  queries {anonymous['queries']}")
    for role in ROLES:
        client = client_for(session_for(bench_user(role)))
        signed = timed(client, args.path, args.requests)
        fixed = signed["wall_p50_ms"] - anonymous["wall_p50_ms"]
        fixed_cpu = signed["cpu_p50_ms"] - anonymous["cpu_p50_ms"]
        print(f"{role:20} wall p50 {signed['wall_p50_ms']:6.2f} ms  p95 {signed['wall_p95_ms']:6.2f}  "
              f"cpu p50 {signed['cpu_p50_ms']:6.2f} ms  queries {signed['queries']}  "
              f"fixed cost {fixed:5.2f} ms wall, {fixed_cpu:5.2f} ms cpu")
        if args.sql:
            print("\n".join("    " + s for s in signed["sql"]))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(100):
                client.get(args.path, secure=settings.PRODUCTION)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
