-- POST load for the infergate benchmark (bench/run.ts). Configured through the environment:
--   BENCH_PATH         request path
--   BENCH_BODY_FILE    file holding the JSON body
--   BENCH_TOKEN        one bearer token sent on every request (optional)
--   BENCH_TOKENS_FILE  one token per line; each thread rotates through its own slice (optional)
--   BENCH_RATE         total requests per second when paced; 0 or unset = as fast as possible
--   BENCH_THREADS      the -t value (for the paced schedule and the token slices)
-- done() prints one line "WRK_JSON {...}" with latency percentiles (µs) and every error counter.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local next_thread_id = 0
function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local content = f:read("*a")
  f:close()
  return content
end

local requests = {}
local count = 0
local index = 0
local period_ms = 0
local next_slot = nil
local thread_count = 1

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  thread_count = threads
  local path = os.getenv("BENCH_PATH") or "/"
  local body = read_file(os.getenv("BENCH_BODY_FILE"))
  local headers = { ["Content-Type"] = "application/json" }
  local tokens_file = os.getenv("BENCH_TOKENS_FILE")
  local token = os.getenv("BENCH_TOKEN")
  if tokens_file and tokens_file ~= "" then
    local n = 0
    for line in io.lines(tokens_file) do
      if line ~= "" then
        if n % threads == thread_id then
          headers["Authorization"] = "Bearer " .. line
          count = count + 1
          requests[count] = wrk.format("POST", path, headers, body)
        end
        n = n + 1
      end
    end
  else
    if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
    count = 1
    requests[1] = wrk.format("POST", path, headers, body)
  end
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  if rate > 0 then
    -- Each thread sends its share at evenly spaced times; a late slot is not made up in a burst.
    period_ms = threads * 1000 / rate
    if thread_id == nil then thread_id = 0 end
  end
end

function request()
  index = index + 1
  if index > count then index = 1 end
  return requests[index]
end

if (tonumber(os.getenv("BENCH_RATE") or "0")) > 0 then
  function delay()
    local t = now_ms()
    if next_slot == nil then next_slot = t + period_ms * thread_id / thread_count end
    local slot = next_slot
    if slot < t then slot = t end
    next_slot = slot + period_ms
    return math.floor(slot - t)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"stdev":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.stdev))
end
