-- wrk: POST a moderated streaming chat completion (keyword moderator, nothing blocked): a few sentences of
-- fake-upstream tokens through the moderation gate. wrk's latency is the time until the whole stream arrived.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
-- PACE_MS=20: the fake upstream sends a token every 20 ms (a model's pace) instead of all at once
local pace = os.getenv("PACE_MS")
if pace then wrk.headers["x-fake-token-interval-ms"] = pace end
wrk.body = '{"model":"gpt-4o-mini","stream":true,"moderation":true,"messages":[{"role":"user","content":"say:'
  .. 'The first sentence is short. The second one is a little longer than the first. '
  .. 'A third follows, with a comma, and ends here! Is a fourth a question? The fifth ends it all."}]}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f socket_errors=%d non_2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
