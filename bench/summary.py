"""Markdown table of a bench/run.sh run: python bench/summary.py bench/out/<run> [target_p99_ms]."""

import json
import sys
from pathlib import Path


def lines(path: Path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip().startswith("{")]


def main() -> None:
    out = Path(sys.argv[1])
    target = float(sys.argv[2]) if len(sys.argv) > 2 else 50.0
    queries = {}
    for q in lines(out / "queries.jsonl"):
        queries[(q.get("variant", "baseline"), q["path"], q["signed_in"])] = q
    print(
        "| gunicorn (settings) | endpoint | conns | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | SQL/req "
        "| app CPU ms/req | worker RSS MB | other CPU busy before % |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in lines(out / "results.jsonl"):
        w = r["wrk"]
        variant = r["label"].split("+", 1)[1] if "+" in r["label"] else "baseline"
        signed_in = r["endpoint"] == "home_signed_in"
        q = queries.get((variant, r["path"], signed_in), {})
        sql = f"{q['queries']} ({q['writes']} w)" if q else "?"
        cpu_ms = 1000 * r["workers_cpu_s"] / w["requests"] if w["requests"] else 0
        name = "/ signed in" if signed_in else r["path"] + " anon"
        print(
            f"| {r['label']} | {name} | {r['connections']} | {w['rps']:.0f} | {w['p50_ms']:.1f} | {w['p90_ms']:.1f} "
            f"| {w['p99_ms']:.1f} | {w['max_ms']:.0f} | {w['non200'] + w['socket_errors']} | {sql} | {cpu_ms:.1f} "
            f"| {'/'.join(map(str, r['worker_rss_mb']))} | {r['busy_pct_before']} |"
        )
    print()
    for r in lines(out / "results.jsonl"):
        if r["endpoint"] == "home_signed_in":
            p99 = r["wrk"]["p99_ms"]
            verdict = "MET" if p99 <= target else "NOT MET"
            print(
                f"- target signed-in home p99 <= {target:.0f} ms, {r['label']}, {r['connections']} connections: "
                f"**{verdict}** (p99 {p99:.1f} ms)"
            )


if __name__ == "__main__":
    main()
