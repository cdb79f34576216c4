-- wrk: the soak's mixed load (docs/benchmarks.md, "Soak"). Each connection cycles through ten
-- requests with the key of one "n<TAB>tenant<TAB>team<TAB>agent<TAB>key" line: five T0 submissions,
-- a read of the last one, a list, a T1 submission (pending approval) and its cancellation, and a
-- verification of the last warrant. Answers other than 2xx are counted; done() prints one line.
-- Usage: wrk -t N -c N ... -s soak.lua URL -- KEYS_FILE (one connection per thread)
local lines = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local tenant, key = line:match("^[^\t]+\t([^\t]+)\t[^\t]+\t[^\t]+\t([^\t]+)$")
    table.insert(lines, {tenant = tenant, key = key})
  end
  wrong = 0
  statuses = {}
  math.randomseed(os.time() + (id or 0))
  counter = math.random(1, 1000000)
  step = 0
  -- What a request needs of an earlier answer, per key line. soak.sh runs one connection per
  -- thread, so each answer follows its own request and belongs to the current line.
  last_t0, last_t1, last_warrant = {}, {}, {}
end

local function call(method, path, body)
  local line = lines[(counter % #lines) + 1]
  local headers = {["Authorization"] = "Bearer " .. line.key}
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end

function request()
  step = step % 10 + 1
  if step == 1 then counter = counter + 1 end
  local index = (counter % #lines) + 1
  local line = lines[index]
  if step <= 5 or (step == 6 and not last_t0[index]) then
    return call("POST", "/v1/intents", '{"action":"s3.objects.read","resource":"soak/' .. counter .. '/' .. step .. '","params":{"n":' .. counter .. '}}')
  elseif step == 6 then
    return call("GET", "/v1/intents/" .. last_t0[index])
  elseif step == 7 then
    return call("GET", "/v1/intents?limit=20")
  elseif step == 8 or (step == 9 and not last_t1[index]) then
    return call("POST", "/v1/intents", '{"action":"deploy.create","resource":"soak/' .. counter .. '","justification":"soak"}')
  elseif step == 9 then
    local id = last_t1[index]
    last_t1[index] = nil
    return call("POST", "/v1/intents/" .. id .. "/cancel")
  elseif last_warrant[index] then
    return call("POST", "/v1/warrants/verify", '{"warrant":"' .. last_warrant[index] .. '","tenant_id":"' .. line.tenant .. '"}')
  end
  return call("GET", "/v1/intents?limit=5")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status < 200 or status > 299 then wrong = wrong + 1 return end
  if status == 201 then
    local index = (counter % #lines) + 1
    -- Keys come sorted, and the decision before it holds the policy's id: the intent's is the one
    -- followed by "justification".
    local id = body:match('"id":"(%x+%-%x+%-%x+%-%x+%-%x+)","justification"')
    if body:find('"status":"pending_approval"', 1, true) then
      last_t1[index] = id
    else
      last_t0[index] = id
      last_warrant[index] = body:match('"warrant":"([^"]+)"') or last_warrant[index]
    end
  end
end

function done(summary, latency, requests)
  local bad, counts = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("wrong") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do counts[status] = (counts[status] or 0) + count end
  end
  local listed = {}
  for status, count in pairs(counts) do table.insert(listed, status .. ":" .. count) end
  table.sort(listed)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRK requests=%d seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f non2xx=%d socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, bad, errors, table.concat(listed, ",")))
end
