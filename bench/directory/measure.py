"""Latency of directory pages against a running server: python bench/directory/measure.py BASE_URL KEYS_FILE.

Sends GET requests one at a time over one keep-alive connection (so latency ≈ server time plus a
loopback round trip), rotating the signed-in session cookies in KEYS_FILE and drawing each search
from name fragments in several scripts. Prints one JSON line per endpoint:
{"endpoint", "requests", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms", "non200", "statuses"}.
Knobs: BENCH_REQUESTS (per endpoint, default 300), BENCH_WARMUP (default 30), BENCH_COOKIE_NAME.
"""

import http.client
import json
import os
import random
import statistics
import sys
import time
from urllib.parse import quote, urlsplit

# Parts of names the bench data holds: Latin, Latin with diacritics, Thai, Chinese, Japanese, Korean,
# Arabic, Persian, Devanagari, Cyrillic; surnames and given names, whole and partial.
FRAGMENTS = [
    "somchai", "sukjai", "nguyen", "hồng", "tuấn", "wang", "xiaoming", "chen", "tanaka", "kim min", "ahmad",
    "karimi", "sharma", "thapa", "maria", "santos", "budi", "lestari", "sok dara", "yilmaz", "dubois",
    "สมชาย", "ทองดี", "ประเสริฐ", "小明", "晓红", "王小", "佐藤", "鈴木美", "민준", "서연", "أحمد", "منصور",
    "رضایی", "शर्मा", "गीता", "Ганбаатар", "sakura", "ka-wai", "chi-ming",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(base: str, keys: list[str], name: str, make_path, count: int, warmup: int, cookie_name: str) -> dict:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    rng = random.Random(name)
    latencies, statuses = [], {}
    for number in range(warmup + count):
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "bphub-bench", "Accept-Encoding": "gzip",
                   "Host": parts.hostname}
        if keys:
            headers["Cookie"] = f"{cookie_name}={keys[number % len(keys)]}"
        path = make_path(rng)
        if path.startswith("HX "):  # the live search: htmx asks for the results only
            path = path[3:]
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if number >= warmup:
            latencies.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    connection.close()
    return {
        "endpoint": name, "requests": len(latencies), "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2), "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2), "mean_ms": round(statistics.fmean(latencies), 2),
        "non200": sum(n for status, n in statuses.items() if status != 200), "statuses": statuses,
    }


def main() -> None:
    base, keys_file = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    keys = [line.strip() for line in open(keys_file) if line.strip()] if keys_file != "-" else []
    count = int(os.environ.get("BENCH_REQUESTS", 300))
    warmup = int(os.environ.get("BENCH_WARMUP", 30))
    cookie = os.environ.get("BENCH_COOKIE_NAME", "__Host-sessionid")

    def q(rng):
        return quote(rng.choice(FRAGMENTS))

    endpoints = {
        "directory_search": lambda rng: f"/directory/?q={q(rng)}",
        "directory_search_live": lambda rng: f"HX /directory/?q={q(rng)}",
        "api_focal_points_search": lambda rng: f"/api/v1/focal-points?q={q(rng)}",
        "directory_search_member_stale": lambda rng: f"/directory/?q={q(rng)}&freshness=stale&member=TH",
        "directory_list_unfiltered": lambda rng: "/directory/",
        "coverage_matrix": lambda rng: "/directory/coverage/",
    }
    for name, make_path in endpoints.items():
        if only and name not in only:
            continue
        print(json.dumps(run(base, keys, name, make_path, count, warmup, cookie), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
