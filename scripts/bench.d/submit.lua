-- wrk: T0 intents (reads, auto-approved under the starter policy) submitted with the keys of a
-- keys file (one "n<TAB>tenant<TAB>team<TAB>agent<TAB>key" line each), spread round-robin over the
-- connections. Any answer but 201 is counted; done() prints one line the bench script parses.
-- Usage: wrk ... -s submit.lua URL -- KEYS_FILE [FIRST_LINE LAST_LINE]
local keys = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local first, last = tonumber(args[2] or "1"), tonumber(args[3] or "1000000000")
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n >= first and n <= last then
      local key = line:match("([^\t]+)$")
      table.insert(keys, key)
    end
  end
  wrong = 0
  keyed = os.getenv("WRIT_BENCH_KEYED") == "1"
  math.randomseed(os.time() + (id or 0))
  seed = os.time()
  counter = math.random(1, #keys)
end

function request()
  counter = counter + 1
  local key = keys[(counter % #keys) + 1]
  local body = '{"action":"s3.objects.read","resource":"bench/' .. counter .. '","params":{"n":' .. counter .. '}}'
  local headers = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}
  -- As the SDKs send (WRIT_BENCH_KEYED=1): a fresh key per request, never a replay.
  if keyed then headers["Idempotency-Key"] = "bench-" .. (id or 0) .. "-" .. counter .. "-" .. seed end
  return wrk.format("POST", "/v1/intents", headers, body)
end

function response(status, headers, body)
  if status ~= 201 then wrong = wrong + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("wrong") or 0) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRK requests=%d seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f non201=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, bad, errors))
end
