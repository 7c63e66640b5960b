-- wrk script for the portal benchmark.
--
-- Reads the file named by BENCH_REQUESTS, one request a line:
--   METHOD <TAB> PATH <TAB> COOKIE [<TAB> FORM BODY [<TAB> X-FORWARDED-FOR]]
-- and sends them in turn, so that load spreads over many accounts.
-- At the end it prints one line "BENCH_JSON {...}" for bench.py to read.

local requests = {}
local next_index = 0

function setup(thread)
  thread:set("offset", math.random(1, 1000000))
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_REQUESTS"), "r"))
  for line in file:lines() do
    local method, path, cookie, rest = line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)\t?(.*)$")
    local body, forwarded_for = rest:match("^([^\t]*)\t(.*)$")
    if not body then
      body = rest
    end
    local headers = {}
    if forwarded_for and forwarded_for ~= "" then
      headers["X-Forwarded-For"] = forwarded_for
    end
    if cookie ~= "" then
      headers["Cookie"] = cookie
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  file:close()
  next_index = (tonumber(offset) or 0) % #requests
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
