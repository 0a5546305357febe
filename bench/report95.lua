-- wrk summary in one machine-readable line (latencies in ms): the peer's report.lua with p95 added
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  local non2xx = (summary.errors.status or 0)
  io.write(string.format("RESULT rps=%.2f p50_ms=%.1f p90_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f reqs=%d bytes=%d bytes_per_req=%.0f non2xx3xx=%d sock_err=%d dur_s=%.1f\n",
    summary.requests / s, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, summary.bytes,
    summary.requests > 0 and summary.bytes / summary.requests or 0, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, s))
end
