"""The soak's summary: requests per kind, failures around the kills, mail, tasks, memory; the verdict."""

import os
import re
from collections import Counter, defaultdict

TASKS = "django_tasks_database_dbtaskresult"


def collect_state(psql, started_at: str, received: Counter) -> dict:
    """What the database says at the end, against what the SMTP sink received."""
    rows = psql(
        f"SELECT message_id, status, attempts FROM outbox_outboundemail "
        f"WHERE created_at >= '{started_at}' OR sent_at >= '{started_at}'"
    )
    emails = {mid.strip(): (status, int(attempts)) for mid, status, attempts in rows}
    sent = {mid for mid, (status, _) in emails.items() if status == "sent"}
    tasks = psql(
        f"SELECT task_path, status, count(*) FROM {TASKS} WHERE enqueued_at >= '{started_at}' "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )
    unfinished = psql(
        f"SELECT task_path, status, count(*) FROM {TASKS} WHERE status = 'RUNNING' "
        "OR (status = 'READY' AND (run_after IS NULL OR run_after <= now())) GROUP BY 1, 2"
    )
    later = psql(f"SELECT count(*) FROM {TASKS} WHERE status = 'READY' AND run_after > now()")
    return {
        "emails": Counter(status for status, _ in emails.values()),
        "sent": len(sent),
        "retried": sum(1 for _, attempts in emails.values() if attempts > 1),
        "received": sum(received.values()),
        "received_distinct": len(received),
        "duplicates": {mid: n for mid, n in received.items() if n > 1},
        "missing": sorted(sent - set(received)),
        "unknown": sorted(set(received) - set(emails)),
        "tasks": [(path, status, int(n)) for path, status, n in tasks],
        "unfinished": [(path, status, int(n)) for path, status, n in unfinished],
        "scheduled_later": int(later[0][0]),
    }


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def base_kind(kind: str) -> str:
    return re.sub(r"\[.*\]$", "", kind)


def summary(conf, records, kills, samples, events, state, t0, worker_restarts) -> tuple[str, bool]:
    margin = 1.0  # seconds of slack around a kill (clock reads on two sides of a socket)
    web_kills = [k["t"] for k in kills if k["what"] == "gunicorn web worker"]

    def at_kill(r):
        return r.status is None and any(r.start - margin <= t <= r.end + margin for t in web_kills)

    lines = [
        f"# Soak: {conf['duration_s']:.0f} s of mixed traffic, gunicorn sync x2 + task worker, PostgreSQL",
        "",
        f"{conf['clients']} browsing clients ({conf['think_s']} s think time), a pre-briefing pack every "
        f"{conf['pack_every_s']:.0f} s, a focal-point import (dry run, {conf['import_rows']} rows) every "
        f"{conf['import_every_s']:.0f} s, {conf['mails_per_min']:g} invitations a minute (web form, mail via "
        f"the outbox to a local SMTP sink). Load average at the end: {os.getloadavg()[0]:.2f} "
        f"({os.cpu_count()} CPUs, shared).",
        "",
        "## Requests",
        "",
        "| kind | requests | p50 ms | p99 ms | max ms | 5xx | other errors | conn. errors at kill "
        "| conn. errors otherwise |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = defaultdict(list)
    for r in records:
        groups[base_kind(r.kind)].append(r)
    totals = Counter()
    for kind in sorted(groups):
        rs = groups[kind]
        ms = [(r.end - r.start) * 1000 for r in rs if r.status is not None]
        c = Counter()
        for r in rs:
            if r.status is not None and r.status >= 500:
                c["5xx"] += 1
            elif r.status is not None and not r.ok:
                c["other"] += 1
            elif r.status is None and kind != "pack_pdf":
                c["kill" if at_kill(r) else "conn"] += 1
            elif r.status is None:
                c["other"] += 1  # a pack wait that ended without a PDF
        totals.update(c)
        totals["n"] += len(rs)
        lines.append(
            f"| {kind} | {len(rs)} | {pct(ms, 0.5):.0f} | {pct(ms, 0.99):.0f} | {max(ms, default=float('nan')):.0f} "
            f"| {c['5xx']} | {c['other']} | {c['kill']} | {c['conn']} |"
        )
    lines.append(
        f"| **all** | {totals['n']} | | | | {totals['5xx']} | {totals['other']} | {totals['kill']} | {totals['conn']} |"
    )

    lines += ["", "## Faults", ""]
    for k in kills:
        t = k["t"] - t0
        near = [r for r in records if not r.ok and r.start - 10 <= k["t"] <= r.end + 10]
        during = f", while it ran {k['running']}" if k.get("running") else ""
        lines.append(
            f"- t={t:.1f} s: SIGKILL {k['what']} (pid {k['pid']}){during}; failed requests within 10 s: "
            + (", ".join(f"{r.kind} ({r.error}, {r.start - t0:.1f}-{r.end - t0:.1f} s)" for r in near) or "none")
        )
    lines += [f"- {e[1]} (t={e[0] - t0:.1f} s)" for e in events]
    lines.append(f"- task worker restarts: {worker_restarts}")
    other_failures = [r for r in records if not r.ok and not at_kill(r)]
    if other_failures:
        lines += ["", "Failures not explained by a kill (first 20):", ""]
        lines += [f"- {r.kind} at {r.start - t0:.1f} s: {r.error}" for r in other_failures[:20]]

    s = state
    lines += [
        "",
        "## Mail (outbox -> SMTP sink)",
        "",
        f"- outbox rows of this run: {dict(s['emails'])}; retried (attempts > 1): {s['retried']}",
        f"- sent by the app (SENT): {s['sent']}; received by the SMTP server: {s['received']} "
        f"({s['received_distinct']} distinct Message-IDs)",
        f"- duplicates (same Message-ID twice): {len(s['duplicates'])} {list(s['duplicates'])[:5]}",
        f"- missing (SENT, never received): {len(s['missing'])} {s['missing'][:5]}",
        f"- received but not in the outbox: {len(s['unknown'])}",
        "",
        "## Tasks",
        "",
        "| task | status | count |",
        "|---|---|---:|",
    ]
    lines += [f"| {p} | {st} | {n} |" for p, st, n in s["tasks"]]
    lines += [
        "",
        f"Unfinished at the end (READY and due, or RUNNING): {sum(n for *_, n in s['unfinished'])} "
        f"{s['unfinished']}; scheduled for later (run_after in the future): {s['scheduled_later']}",
    ]

    mem_lines, mem_fail = memory(samples, conf, t0, [r.end - t0 for r in groups.get("pack_pdf", []) if r.ok])
    lines += [
        "",
        f"## Memory (RSS, sampled every {conf['sample_every_s']:g} s; growth from {conf['warmup_s']:.0f} s "
        "after the process or the traffic started, whichever is later, to the end)",
        "",
    ] + mem_lines

    failed_tasks = sum(n for _, st, n in s["tasks"] if st == "FAILED")
    packs = groups.get("pack_pdf", [])
    checks = [
        ("0 server errors (5xx)", totals["5xx"] == 0),
        (
            "no other failed request, except connections cut by a kill while in flight",
            totals["other"] == 0 and totals["conn"] == 0,
        ),
        ("every pre-briefing pack delivered", bool(packs) and all(r.ok for r in packs)),
        (
            "every focal-point import ran",
            all(r.ok for r in groups.get("focal_point_import (dry run)", []))
            and bool(groups.get("focal_point_import (dry run)")),
        ),
        (
            "mail: every SENT email received once, none missing, none twice",
            not s["missing"] and not s["duplicates"] and s["sent"] > 0,
        ),
        (
            "mail: nothing left pending or failed",
            s["emails"].get("pending", 0) == 0 and s["emails"].get("failed", 0) == 0,
        ),
        ("tasks: none READY/RUNNING after the drain", not s["unfinished"]),
        ("tasks: none FAILED", failed_tasks == 0),
        (f"RSS growth after warm-up <= {conf['rss_growth_max_pct']:g} % for every process", not mem_fail),
    ]
    lines += ["", "## Targets", ""] + [f"- {'PASS' if ok else '**FAIL**'}: {name}" for name, ok in checks]
    return "\n".join(lines) + "\n", all(ok for _, ok in checks)


def memory(samples, conf, t0, renders) -> tuple[list[str], bool]:
    by_pid = defaultdict(list)
    for t, role, pid, kib in samples:
        by_pid[(role, pid)].append((t - t0, kib))
    lines = [
        "| process | pid | seen (s) | RSS at warm-up end MiB | at end MiB | peak MiB | growth |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    failed = False
    for (role, pid), series in sorted(by_pid.items(), key=lambda item: item[1][0][0]):
        first_t = series[0][0]
        # Warm-up counts from the later of the process's start and the traffic's (t = 0): idle before it.
        ready = max(first_t, 0) + conf["warmup_s"]
        if role == "task worker":  # its first render imports WeasyPrint (~45 MiB, once): warm-up lasts past it
            ready = max(ready, min((t for t in renders if t > first_t), default=ready))
        after = [(t, kib) for t, kib in series if t >= ready]
        peak = max(kib for _, kib in series) / 1024
        if len(after) < 2:
            growth = "n/a (too short-lived)"
            base = float("nan")
        else:
            base = after[0][1] / 1024
            g = 100 * (after[-1][1] - after[0][1]) / after[0][1]
            failed |= g > conf["rss_growth_max_pct"]
            growth = f"{g:+.1f} %"
        lines.append(
            f"| {role} | {pid} | {first_t:.0f}-{series[-1][0]:.0f} | {base:.0f} | "
            f"{series[-1][1] / 1024:.0f} | {peak:.0f} | {growth} |"
        )
    return lines, failed
