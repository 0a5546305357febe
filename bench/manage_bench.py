"""Runs the benchmark data commands, which live here rather than in the apps (they are not part of
the product, and they import across apps freely):

    .venv/bin/python bench/manage_bench.py bench_data --users 2000 --resources 200 --seed 1
    .venv/bin/python bench/manage_bench.py bench_directory --members 50 --agencies 5000 --focal-points 100000
    .venv/bin/python bench/manage_bench.py bench_meetings [--meetings 10000] ...
    .venv/bin/python bench/manage_bench.py bench_session --count 50

Same settings and environment as manage.py (source bench/env.sh first for the bench database).
"""

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("bench_data", "bench_directory", "bench_meetings", "bench_session")


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.exit(f"usage: {Path(argv[0]).name} {{{','.join(COMMANDS)}}} [options]")
    sys.path[:0] = [str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    module = importlib.import_module(f"bench.commands.{argv[1]}")
    module.Command().run_from_argv(["manage.py", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv)
