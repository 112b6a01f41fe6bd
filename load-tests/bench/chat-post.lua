-- wrk: POST a small non-streaming chat completion whose fake-upstream reply is "ok."
-- No response() callback: it would make wrk hand every response to Lua and slow it down.
-- wrk counts answers with status > 399 in errors.status, so an error page never passes for throughput.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"say:ok."}]}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f socket_errors=%d non_2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
