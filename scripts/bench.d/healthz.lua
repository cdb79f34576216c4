-- wrk: GET /healthz, the HTTP ceiling; prints the same line as submit.lua.
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format("WRK requests=%d seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f non201=0 socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, errors))
end
