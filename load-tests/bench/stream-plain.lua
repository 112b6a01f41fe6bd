-- wrk: POST an unmoderated streaming chat completion: the same sentences as stream-moderated.lua, piped through
-- byte for byte (the usage chunk the relay asked for taken out). Latency: until the whole stream arrived.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"say:'
  .. 'The first sentence is short. The second one is a little longer than the first. '
  .. 'A third follows, with a comma, and ends here! Is a fourth a question? The fifth ends it all."}]}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f socket_errors=%d non_2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
