"""The soak itself (bench/soak/run.sh sets up the database and the environment, then runs this).

Starts the SMTP sink (in this process), gunicorn (2 sync workers) and the task worker, drives mixed
traffic for SOAK_DURATION seconds, kills -9 one web worker and the task worker once each, samples
every process's RSS, drains the queue, stops everything it started (by PID) and writes summary.md.
Exit status 0 when every target holds, 1 when one fails, 2 when the run could not be made.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
import report  # noqa: E402
from procs import PY, ROOT, Processes, sample_rss  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def knob(name, default, kind=float):
    return kind(os.environ.get(name, default))


def psql(query: str) -> list[list[str]]:
    out = subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thread_of(target, *args) -> threading.Thread:
    # Daemons: a signal that ends this process does not wait for a request or an import in flight.
    return threading.Thread(target=target, args=args, daemon=True)


def wait_healthy(client: load.Client, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.request("GET", "/healthz")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


SHARES = {"anonymous": 30, "signed_in": 35, "search": 10, "api": 20, "feed": 5}  # % of browsing requests


def targets_for(client: load.Client, out: Path, big: int) -> tuple[list[tuple], dict, list[str]]:
    """(kind, path, cookie, token, weight) that answer 200 now; the sessions by role; what was skipped."""
    sessions = [line.split("\t") for line in (out / "sessions.tsv").read_text().splitlines() if line]
    by_role = {}
    for key, _email, role in sessions:
        by_role.setdefault(role, []).append(f"{load.COOKIE_NAME}={key}")
    tokens = [line.split("\t") for line in (out / "tokens.tsv").read_text().splitlines() if line]
    words = ["ministry", "police", "immigration", "Nguyen", "Siri", "border", "tra"]
    # (kind, path, cookie, token, share): each share is split evenly among the candidates that answer 200.
    candidates = [
        ("anon_home", "/", None, None, "anonymous"),
        ("anon_meetings", "/meetings/", None, None, "anonymous"),
        ("anon_meeting", f"/meetings/{big}/", None, None, "anonymous"),
        ("anon_members", "/members/", None, None, "anonymous"),
        ("calendar_feed", "/calendar/public.ics", None, None, "feed"),
    ]
    for role, cookies in sorted(by_role.items()):
        for cookie in cookies[:3]:
            candidates += [
                (f"signed_in_home[{role}]", "/", cookie, None, "signed_in"),
                (f"signed_in_meetings[{role}]", "/meetings/", cookie, None, "signed_in"),
                (f"signed_in_meeting[{role}]", f"/meetings/{big}/", cookie, None, "signed_in"),
            ]
            candidates += [
                (f"directory_search[{role}]", f"/directory/?q={w}", cookie, None, "search") for w in words[:3]
            ]
    for raw, _email, _role in tokens:
        for path in (
            "/api/v1/me",
            "/api/v1/meetings",
            f"/api/v1/meetings/{big}",
            f"/api/v1/meetings/{big}/agenda",
            "/api/v1/members",
            "/api/v1/focal-points?q=police",
            "/api/v1/resources",
        ):
            kind = "api " + path.split("?")[0].replace(str(big), "{id}")
            candidates.append((kind, path, None, raw, "api"))
    usable, skipped = [], []
    for candidate in candidates:
        try:
            status = client.request("GET", candidate[1], cookie=candidate[2], token=candidate[3])[0]
        except OSError as error:
            status = str(error)
        (usable if status == 200 else skipped).append(
            candidate if status == 200 else f"{candidate[0]} {candidate[1]}: {status}"
        )
    counts = Counter(c[4] for c in usable)
    usable = [(*c[:4], SHARES[c[4]] / counts[c[4]]) for c in usable]
    return usable, by_role, skipped


def import_file(out: Path, rows: int) -> tuple[Path, str]:
    """A focal-point sheet of `rows` new people for a member with bench agencies (dry run only)."""
    found = psql(
        "SELECT m.code, a.name->>'en' FROM directory_agency a JOIN members_member m ON m.id = a.member_id "
        "WHERE a.acronym LIKE 'BXD-%' ORDER BY m.code, a.id LIMIT 20"
    )
    code = found[0][0] if found else "ID"
    agencies = [name for c, name in found if c == code] or [""]
    path = out / "focal-points.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Full name", "Job title", "Agency", "E-mail", "Phone", "Language"])
        for n in range(rows):
            writer.writerow(
                [
                    f"Soak Person {n} Tester",
                    "Analyst",
                    agencies[n % len(agencies)],
                    f"soak{n}@import.soak.invalid",
                    "",
                    "en",
                ]
            )
    return path, code


def run_import(recorder: load.Recorder, path: Path, code: str, out: Path):
    start = time.monotonic()
    done = subprocess.run(
        [PY, "manage.py", "import_focal_points", str(path), "--member", code, "--dry-run", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    ok = done.returncode in (0, 1)  # 1: ran, some rows need attention; 2 or a crash: it did not run
    (out / "import-last.json").write_text(done.stdout + done.stderr)
    recorder.add(
        load.Record(
            "focal_point_import (dry run)",
            start,
            time.monotonic(),
            done.returncode,
            "" if ok else f"exit {done.returncode}: {done.stderr.strip()[-200:]}",
            ok,
        )
    )


def wait_for_running_task(max_wait: float) -> str:
    """The task worker is killed mid-task when it can be: wait up to max_wait s for a RUNNING task."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        found = psql("SELECT task_path FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' LIMIT 1")
        if found:
            return found[0][0]
        time.sleep(0.1)
    return ""


def drain(max_wait: float, quiet: int = 0) -> float:
    """Wait until no task is due or running, no email is due and (with `quiet`) none was queued in the last
    `quiet` seconds (the worker's upkeep queues mail in-line, not as a task); returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < max_wait:
        busy = psql(
            "SELECT (SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
            "OR (status = 'READY' AND (run_after IS NULL OR run_after <= now()))) + "
            "(SELECT count(*) FROM outbox_outboundemail WHERE status = 'pending' AND next_attempt_at <= now()) + "
            f"(SELECT count(*) FROM outbox_outboundemail WHERE created_at > now() - interval '{quiet} seconds')"
        )
        if int(busy[0][0]) == 0:
            break
        time.sleep(2)
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--big-meeting", type=int, required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    args = parser.parse_args()
    out = args.out
    # SIGTERM (run.sh's trap) unwinds through the finally below, which stops what this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    duration = knob("SOAK_DURATION", 600)
    conf = {
        "duration_s": duration,
        "clients": knob("SOAK_CLIENTS", 4, int),
        "think_s": knob("SOAK_THINK", 0.2),
        "warmup_s": knob("SOAK_WARMUP", min(60.0, duration / 4)),
        "sample_every_s": knob("SOAK_SAMPLE_EVERY", 5),
        "kill_web_at": knob("SOAK_KILL_WEB_AT", 0.4),
        "kill_worker_at": knob("SOAK_KILL_WORKER_AT", 0.6),
        "mails_per_min": knob("SOAK_MAILS_PER_MIN", 4),
        "pack_every_s": knob("SOAK_PACK_EVERY", 60),
        "import_every_s": knob("SOAK_IMPORT_EVERY", 60),
        "import_rows": knob("SOAK_IMPORT_ROWS", 200, int),
        "drain_wait_s": knob("SOAK_DRAIN_WAIT", 180),
        "settle_wait_s": knob("SOAK_SETTLE_WAIT", 900),
        "kill_worker_wait_s": knob("SOAK_KILL_WORKER_WAIT", 20),
        "rss_growth_max_pct": knob("SOAK_RSS_GROWTH_MAX", 10),
    }
    events: list = []
    recorder = load.Recorder()
    samples: list = []
    sink = SmtpSink(args.smtp_port, out / "smtp.jsonl")
    procs = Processes(out, events)
    stop_load, stop_sampler = threading.Event(), threading.Event()
    t0 = time.monotonic()
    started_at = psql("SELECT now()")[0][0]
    try:
        sink.start()
        port = free_port()
        client = load.Client(port)
        procs.start_gunicorn(port)
        if not wait_healthy(client, 60):
            print("gunicorn did not answer /healthz", file=sys.stderr)
            return 2
        procs.start_worker()
        threading.Thread(target=procs.supervise_worker, daemon=True).start()
        sampler = threading.Thread(target=sample_rss, args=(procs, samples, stop_sampler, conf["sample_every_s"]))
        sampler.start()
        # A fresh worker's first upkeep sends what is due (on fresh bench data: a digest to every user). The
        # soak measures the steady state after it; the burst itself is timed and reported.
        time.sleep(10)
        settled = drain(conf["settle_wait_s"], quiet=20)
        burst = psql(
            f"SELECT count(*), max(sent_at) - min(created_at) FROM outbox_outboundemail "
            f"WHERE created_at >= '{started_at}' AND status = 'sent'"
        )[0]
        events.append(
            (
                time.monotonic(),
                f"before the traffic, the worker's first upkeep: {burst[0]} emails sent "
                f"in {burst[1] or '0'}; queue empty after {settled + 10:.0f} s",
            )
        )
        targets, by_role, skipped = targets_for(client, out, args.big_meeting)
        (out / "targets.txt").write_text(
            "\n".join(f"{t[0]}\t{t[1]}\t{t[4]:.2f}" for t in targets)
            + "\n# skipped (not 200 before the run)\n"
            + "\n".join(skipped)
            + "\n"
        )
        admin = (by_role.get("rso_admin") or [None])[0]
        participant = (by_role.get("participant") or [None])[0]
        sheet, member_code = import_file(out, conf["import_rows"])
        run_tag = time.strftime("%H%M%S")
        t0 = time.monotonic()  # the soak's clock starts with the traffic
        threads = [
            thread_of(load.browse_loop, client, recorder, targets, stop_load, conf["think_s"], seed)
            for seed in range(conf["clients"])
        ]
        packs_dir = Path(os.environ["BPHUB_VAR_DIR"]) / "media/meetings/packs"
        pack_path = f"/meetings/{args.big_meeting}/pre-briefing.pdf"

        last_pack = [None]

        def pack(_n):
            # Stored packs gone, so the worker renders it again; never while a render is still pending (the
            # previous wait timed out): that would delete the HTML it is about to render.
            if last_pack[0] is None or last_pack[0].ok:
                shutil.rmtree(packs_dir, ignore_errors=True)
            last_pack[0] = load.pack_once(client, recorder, pack_path, participant)

        if participant:
            threads.append(thread_of(load.every, stop_load, conf["pack_every_s"], 5, pack))
        threads.append(
            thread_of(
                load.every,
                stop_load,
                conf["import_every_s"],
                10,
                lambda _n: run_import(recorder, sheet, member_code, out),
            )
        )
        if admin and conf["mails_per_min"] > 0:
            threads.append(
                thread_of(
                    load.every,
                    stop_load,
                    60 / conf["mails_per_min"],
                    3,
                    lambda n: load.invite_once(client, recorder, admin, n, run_tag),
                )
            )
        for thread in threads:
            thread.start()
        kills = []
        plan = sorted([(conf["kill_web_at"] * duration, "web"), (conf["kill_worker_at"] * duration, "worker")])
        for at, what in plan:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            left = t0 + duration - 1 - time.monotonic()  # the kill stays inside the traffic
            running = wait_for_running_task(min(conf["kill_worker_wait_s"], left)) if what == "worker" else ""
            victim = procs.web_workers()[0] if what == "web" else procs.worker.pid
            os.kill(victim, signal.SIGKILL)
            kills.append(
                {
                    "what": "gunicorn web worker" if what == "web" else "task worker",
                    "pid": victim,
                    "t": time.monotonic(),
                    "running": running,
                }
            )
            events.append((time.monotonic(), f"SIGKILL {kills[-1]['what']} {victim}"))
        time.sleep(max(0.0, t0 + duration - time.monotonic()))
        stop_load.set()
        for thread in threads:
            thread.join(timeout=300)
        events.append((time.monotonic(), "traffic stopped (the last pack and import finished); draining"))
        drained = drain(conf["drain_wait_s"])
        events.append((time.monotonic(), f"drained in {drained:.0f} s"))
        time.sleep(1)
        stop_sampler.set()
        sampler.join()
        state = report.collect_state(psql, started_at, sink.handler.snapshot())
    finally:
        stop_load.set()
        stop_sampler.set()
        procs.stop()
        sink.stop()
    (out / "samples.json").write_text(json.dumps(samples))
    (out / "requests.json").write_text(
        json.dumps([r.__dict__ | {"start": r.start - t0, "end": r.end - t0} for r in recorder.records])
    )
    text, passed = report.summary(conf, recorder.records, kills, samples, events, state, t0, procs.worker_restarts)
    (out / "summary.md").write_text(text)
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - the run could not be made: not the same as a failed target
        import traceback

        traceback.print_exc()
        sys.exit(2)
