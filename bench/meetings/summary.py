"""The meetings benchmark's summary (bench/meetings/run.sh writes its inputs into one output folder).

    python3 bench/meetings/summary.py OUT_DIR  > OUT_DIR/summary.md

Reads ours.tsv and peer.tsv (wrk-pages.sh), pageweight-ours.json / pageweight-peer.json (pageweight.py),
pdf-cold.txt / pdf-warm.txt (curl: seconds, status, bytes), rss-ours.txt (whole-run peak) and meta.env.
When the peer was not measured in this run (no peer.tsv), its figures are taken from
../shared/peer/indico/results.md and labelled as such.
"""

import json
import sys
from pathlib import Path

COLUMNS = ["name", "path", "status", "bytes", "gzip", "rps", "p50", "p90", "p99", "max", "non2xx", "sock_err",
           "rps1", "p50_1", "p99_1", "rss_total", "rss_workers", "rss_max_worker", "busy", "tests"]
# Indico 3.3.14, ../shared/peer/indico/results.md (2026-11-29 09:51 UTC), for runs without the peer.
PEER_RESULTS_MD = {
    "big meeting": {"path": "/event/501/", "bytes": "479559", "rps": "4.82", "p50": "1560.8", "p99": "2301.8",
                    "p50_1": "331.3", "rps1": "2.10", "rss_total": str(803 * 1024), "gzip": ""},
    "ical": {"path": "/export/categ/0.ics?from=2022-01-01&to=2026-12-31", "bytes": "310016", "rps": "6.59",
             "p50": "1315.2", "p99": "1425.1", "p50_1": "198.0", "rps1": "3.29", "rss_total": str(796 * 1024),
             "gzip": ""},
}
PAIRS = [  # (our page name prefix, peer key, peer page name prefix)
    ("meeting page, anonymous", "big meeting", "big meeting"),
    ("meeting page, signed in", "big meeting", "big meeting"),
    ("public calendar feed", "ical", "iCal"),
]
GOAL_RATIO = 10.0


def read_tsv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [dict(zip(COLUMNS, line.rstrip("\n").split("\t"), strict=False))
            for line in path.read_text().splitlines() if line.strip()]


def num(value, default=0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def find(rows, prefix):
    return next((r for r in rows if r["name"].startswith(prefix)), None)


def main() -> None:
    out = Path(sys.argv[1])
    meta = dict(line.split("=", 1) for line in (out / "meta.env").read_text().splitlines() if "=" in line) \
        if (out / "meta.env").exists() else {}
    ours, peer = read_tsv(out / "ours.tsv"), read_tsv(out / "peer.tsv")
    peer_label = "Indico (this run)" if peer else "Indico (results.md, NOT re-measured)"
    print(f"# Meetings benchmark {meta.get('started', '')}\n")
    print(f"Machine: {meta.get('machine', '')}. Peer: {peer_label}. Big meeting: /meetings/{meta.get('big', '?')}/.")
    print(f"Data: {meta.get('data', '')}\n")
    print("| page | ours req/s c=8 | peer req/s c=8 | ratio | ≥10× | ours p50/p99 ms c=8 | peer p50/p99 ms c=8 "
          "| ours p50 ms c=1 | peer p50 ms c=1 | ours bytes (gzip) | peer bytes | non-2xx |")
    print("|---|---:|---:|---:|---|---|---|---:|---:|---|---:|---:|")
    for our_prefix, key, peer_prefix in PAIRS:
        mine = find(ours, our_prefix)
        theirs = find(peer, peer_prefix) if peer else PEER_RESULTS_MD[key]
        if mine is None or theirs is None:
            print(f"| {our_prefix} | not measured | | | | | | | | | | |")
            continue
        ratio = num(mine["rps"]) / num(theirs["rps"], 1e-9)
        verdict = "**met**" if ratio >= GOAL_RATIO else "**not met**"
        print(f"| {mine['name']} `{mine['path']}` (status {mine['status']}) | {num(mine['rps']):.1f} | "
              f"{num(theirs['rps']):.2f} | {ratio:.1f}× | {verdict} | {mine['p50']} / {mine['p99']} | "
              f"{theirs['p50']} / {theirs['p99']} | {mine['p50_1']} | {theirs['p50_1']} | "
              f"{mine['bytes']} ({mine['gzip']}) | {theirs['bytes']} | {mine['non2xx']} |")
    print("\nOther work just before each page (CPU %; the script waits up to IDLE_WAIT s for < IDLE_BUSY) and test "
          "runs seen during its loaded run: "
          + "; ".join(f"{who} {r['name']}: {r.get('busy', '?')} %, {r.get('tests', '?')} test runs"
                      for who, rows in (("ours", ours), ("peer", peer)) for r in rows))
    others = [r for r in ours if not any(r["name"].startswith(p) for p, _k, _q in PAIRS)]
    if others:
        print("\nOther pages (no Indico counterpart measured):\n")
        print("| page | status | req/s c=8 | p50/p99 ms c=8 | p50 ms c=1 | bytes (gzip) | non-2xx |")
        print("|---|---|---:|---|---:|---|---:|")
        for r in others:
            print(f"| {r['name']} `{r['path']}` | {r['status']} | {num(r['rps']):.1f} | {r['p50']} / {r['p99']} | "
                  f"{r['p50_1']} | {r['bytes']} ({r['gzip']}) | {r['non2xx']} |")
    # Page weight.
    print()
    for who, name in (("ours", "pageweight-ours.json"), ("peer", "pageweight-peer.json")):
        path = out / name
        if not path.exists():
            print(f"- cold page weight, {who}: not measured")
            continue
        data = json.loads(path.read_text())
        verdict = ""
        if who == "ours":
            verdict = " — target ≤ 100 KB (102,400 B): **" + ("met" if data["bytes"] <= 102_400 else "not met") + "**"
        print(f"- cold page weight, {who} ({data['url']}): {data['bytes']:,} bytes in {data['requests']} requests "
              f"(document {data['document_bytes']:,}; non-200 {data['non_200']}){verdict}")
    # Memory.
    workers_peak = max((num(r["rss_workers"]) for r in ours), default=0)
    total_peak = max((num(r["rss_total"]) for r in ours), default=0)
    whole = {}
    if (out / "rss-ours.txt").exists():
        parts = (out / "rss-ours.txt").read_text().split()
        whole = {"total": num(parts[0]), "workers": num(parts[1])}
    peer_total = max((num(r["rss_total"]) for r in peer), default=0) if peer else \
        num(PEER_RESULTS_MD["big meeting"]["rss_total"])
    verdict = "met" if max(workers_peak, whole.get("workers", 0)) <= 300 * 1024 else "not met"
    print(f"- RSS, both workers together, peak during the wrk runs: {workers_peak / 1024:.0f} MiB "
          f"(with the master {total_peak / 1024:.0f} MiB); over the whole run incl. PDFs: "
          f"{whole.get('workers', 0) / 1024:.0f} MiB (with the master {whole.get('total', 0) / 1024:.0f} MiB) "
          f"— target ≤ 300 MB: **{verdict}**; Indico master + 2 workers peak: {peer_total / 1024:.0f} MiB")
    # Pre-briefing PDF: request -> file, rendered by the task worker (pack_timing.py's pdf.json).
    pdf_json = out / "pdf.json"
    if not pdf_json.exists():
        print("- pre-briefing PDF: not measured")
        return
    pdf = json.loads(pdf_json.read_text())
    labels = (
        ("first", "first render in a fresh worker (imports WeasyPrint)"),
        ("cold", "request -> file, stored files deleted before each, page refreshing every 1 s"),
        ("tight", "request -> file, polled every 0.1 s (the system without the page's refresh step)"),
        ("warm", "stored (one GET)"),
    )
    for key, label in labels:
        part = pdf.get(key, {})
        if "median" not in part:
            print(f"- pre-briefing PDF {label}: no result ({part.get('runs')})")
            continue
        runs = part["runs"]
        verdict = ""
        if key == "cold":
            verdict = " — target ≤ 3 s median: **" + ("met" if part["median"] <= 3 else "not met") + "**"
        print(f"- pre-briefing PDF {label}, {len(runs)} runs: min {part['min']:.2f} s, median {part['median']:.2f} s, "
              f"max {part['max']:.2f} s; errors {part['errors']}; {runs[-1].get('bytes', '?')} bytes{verdict}")
    tasks_txt = out / "pdf-tasks.txt"
    if tasks_txt.exists():
        rows = [line.split("|") for line in tasks_txt.read_text().splitlines() if line.count("|") == 2]
        pickup = sorted(float(r[0]) for r in rows if r[0])
        render = sorted(float(r[1]) for r in rows if r[1])
        if render:
            print(f"- in the worker, {len(render)} renders: queue -> pick-up median {pickup[len(pickup) // 2]:.2f} s "
                  f"(max {pickup[-1]:.2f}), render median {render[len(render) // 2]:.2f} s (max {render[-1]:.2f})")
    worker = pdf.get("worker_after", {})
    web = pdf.get("web_processes", {})
    print(f"- task worker memory: {pdf.get('worker_before', {}).get('VmRSS', '?')} MiB before the first render, "
          f"{worker.get('VmRSS', '?')} MiB after all (peak {worker.get('VmHWM', '?')} MiB); web workers with Pango "
          f"loaded: {sum(1 for w in web.values() if w.get('pango_loaded'))} of {len(web)}")

if __name__ == "__main__":
    main()
