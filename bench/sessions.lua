-- wrk script: GET one path, rotating the session cookie over the keys in BENCH_KEYS_FILE (one per line;
-- no file = anonymous), with the headers the reverse proxy would add. At the end it prints one JSON line:
-- BENCH_JSON {"requests":..,"rps":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..,"non200":..,...}
local cookie_name = os.getenv("BENCH_COOKIE_NAME") or "sessionid"
local keys_file = os.getenv("BENCH_KEYS_FILE") or ""
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  keys = {}
  if keys_file ~= "" then
    for line in io.lines(keys_file) do
      if line ~= "" then table.insert(keys, line) end
    end
  end
  -- Threads start at different keys so each connection's requests rotate over all sessions.
  index = (id * 7) % math.max(#keys, 1)
  non200 = 0
  statuses = {}
  wrk.headers["User-Agent"] = "bphub-bench"
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Accept"] = "text/html"
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  if #keys > 0 then
    index = index % #keys + 1
    wrk.headers["Cookie"] = cookie_name .. "=" .. keys[index]
  end
  return wrk.format("GET")
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  local codes = {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    local seen = thread:get("statuses")
    for code, n in pairs(seen) do codes[#codes + 1] = string.format('"%d":%d', code, n) end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,' ..
    '"max_ms":%.2f,"mean_ms":%.2f,"non200":%d,"statuses":{%s},"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, bad, table.concat(codes, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
