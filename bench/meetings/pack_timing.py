"""Pre-briefing PDF, request -> file, with the task worker rendering (bench/meetings/run.sh runs it).

Against a running server and `manage.py worker`, signed in with a session cookie:

- first: the first render in this worker (it imports WeasyPrint then), as a cold run;
- cold: the pack's stored files are deleted (`<media root>/meetings/packs/`), then the PDF is asked
  for as a browser does it: the first GET answers 202 "being prepared"; the page is fetched again
  every `--poll` seconds (the page's own meta refresh is 1 s) until it says ready, then the PDF is
  fetched. Seconds from the first GET to the last byte of the PDF. `--tight-runs` does the same
  polling every 0.1 s: what the system takes, without the page's refresh granularity.
- warm: the PDF is stored; one GET gets it.
- the worker's memory (VmRSS now, VmHWM peak, from /proc) before the first render and after all;
- whether any web process (`--web-pid`, repeatable) has Pango mapped, i.e. rendered a PDF.

Prints one JSON document (also written to `--out`).

    python bench/meetings/pack_timing.py --base http://127.0.0.1:8009 --path /meetings/12/pre-briefing.pdf \
        --cookie __Host-sessionid=KEY --media-root bench/out/var/media --worker-pid 4242 --web-pid 4243
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REFRESH = re.compile(r'http-equiv="refresh" content="(\d+); url=([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, url: str, headers: dict) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        return error.code, error.headers.get("Content-Type", ""), error.read()


def proc_memory(pid: int | None) -> dict:
    if not pid:
        return {}
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    except OSError:
        return {"error": f"no process {pid}"}
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM") if key in fields}  # MiB


def has_pango(pid: int) -> bool | None:
    try:
        return "libpango" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None


def one_download(opener, args, headers: dict, poll: float) -> dict:
    """From the first GET to the PDF's last byte, polling the waiting page every `poll` seconds."""
    url = args.base + args.path
    started = time.monotonic()
    status, kind, body = fetch(opener, url, headers)
    first = {"status": status, "seconds": round(time.monotonic() - started, 3)}
    polls = 0
    while kind.startswith("text/html"):
        found = REFRESH.search(body.decode(errors="replace"))
        if not found:  # failed (no refresh) or an unexpected page
            return {"error": f"status {status}, no refresh on the page", "first": first, "polls": polls}
        seconds, target = int(found.group(1)), found.group(2).replace("&amp;", "&")
        time.sleep(poll if seconds else 0)
        status, kind, body = fetch(opener, args.base + target, headers)
        polls += 1
        if time.monotonic() - started > args.timeout:
            return {"error": f"no PDF after {args.timeout} s", "first": first, "polls": polls}
    if kind != "application/pdf" or not body.startswith(b"%PDF"):
        return {"error": f"status {status}, {kind}", "first": first, "polls": polls}
    return {"seconds": round(time.monotonic() - started, 3), "first": first, "polls": polls, "bytes": len(body)}


def evict(media_root: Path) -> None:
    """Forget every stored pack: its files, and the render tasks the cache remembers for them (a
    remembered task whose HTML was deleted here would fail and show "could not be prepared")."""
    shutil.rmtree(media_root / "meetings" / "packs", ignore_errors=True)
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        keys = subprocess.run(
            ["redis-cli", "-u", redis_url, "--scan", "--pattern", "*prebriefing-pdf-task:*"],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        if keys:
            subprocess.run(["redis-cli", "-u", redis_url, "del", *keys], capture_output=True, check=True)


def summary(runs: list[dict]) -> dict:
    seconds = [run["seconds"] for run in runs if "seconds" in run]
    if not seconds:
        return {"runs": runs}
    return {
        "min": min(seconds),
        "median": statistics.median(seconds),
        "max": max(seconds),
        "errors": sum(1 for run in runs if "error" in run),
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--path", required=True, help="/meetings/<id>/pre-briefing.pdf")
    parser.add_argument("--cookie", required=True, help="session cookie, name=value")
    parser.add_argument("--header", action="append", default=["X-Forwarded-Proto: https"])
    parser.add_argument("--media-root", type=Path, required=True, help="the server's and worker's MEDIA_ROOT")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tight-runs", type=int, default=3)
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between refreshes, as the page's")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--worker-pid", type=int)
    parser.add_argument("--web-pid", type=int, action="append", default=[])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    headers = dict(h.split(": ", 1) for h in args.header)
    headers["Cookie"] = args.cookie
    headers["User-Agent"] = "bphub-bench"
    opener = urllib.request.build_opener(NoRedirect)
    report = {"path": args.path, "poll_seconds": args.poll, "worker_before": proc_memory(args.worker_pid)}

    # The first render in this worker also imports WeasyPrint: measured apart.
    evict(args.media_root)
    report["first"] = summary([one_download(opener, args, headers, args.poll)])
    report["worker_after_first"] = proc_memory(args.worker_pid)
    cold = []
    for _ in range(args.runs):
        evict(args.media_root)
        cold.append(one_download(opener, args, headers, args.poll))
    tight = []
    for _ in range(args.tight_runs):
        evict(args.media_root)
        tight.append(one_download(opener, args, headers, 0.1))
    warm = [one_download(opener, args, headers, args.poll) for _ in range(args.runs)]

    report.update(
        cold=summary(cold),
        tight=summary(tight),
        warm=summary(warm),
        worker_after=proc_memory(args.worker_pid),
        web_processes={str(pid): {"pango_loaded": has_pango(pid), **proc_memory(pid)} for pid in args.web_pid},
    )
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0 if report["cold"].get("errors", 1) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
