-- wrk: POST a small non-streaming chat completion whose fake-upstream reply is "ok."
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"say:ok."}]}'

-- Count non-2xx answers so a fast error page can never pass for throughput.
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout + errors.status))
end
