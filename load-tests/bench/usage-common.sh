# Sourced by usage-ab.sh, usage-twin.sh and usage-profile.sh: what the three share. The relays' settings (the same
# for USAGE=on and off but that one), the load rows' lua scripts, the fake upstream on 19411, the check that a relay
# answers both rows with 200 before anything is measured, and the cleanup on exit (every process the scripts start:
# FAKE, TWINS, ON, OFF).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
SMALL=$ROOT/load-tests/bench/chat-post.lua
STREAM=$ROOT/load-tests/bench/stream-moderated.lua
PLAIN=$ROOT/load-tests/bench/stream-plain.lua
WORK=$(mktemp -d)
echo "forbiddenword" > "$WORK/keywords.txt"
JOPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
# PROXY_KEY is the lua scripts' "Bearer sk-bench" (with a store on, every request needs a key)
COMMON="HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:19411 OPENAI_KEY=sk-server PROXY_KEY=sk-bench ACCESS_LOG_LEVEL=OFF
  UPSTREAM_MAX_CONNECTIONS=10000 ADMIN_TOKEN=bench-admin-token-0123456789 MODERATION_KEYWORDS_FILE=$WORK/keywords.txt"
FAKE=""; TWINS=""; ON=""; OFF=""
trap 'kill $FAKE $TWINS $ON $OFF 2>/dev/null; rm -rf "$WORK"' EXIT

start_fake() { # [cpu prefix, e.g. "taskset -c 0"]: the fake upstream on 19411, answering once this returns
  ${1:-} java -Xms256m -Xmx1g -XX:+UseParallelGC -cp "$DEMO" modrelay.loadtests.fakes.FakeUpstream 19411 0 >"$WORK/fake.log" 2>&1 &
  FAKE=$!
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:19411/v1/models >/dev/null && break; sleep 0.5; done
}

check_rows() { # port... : each answers a small request and a moderated stream with 200, or the script stops
  local p body code
  for p in "$@"; do
    for body in '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"say:ok."}]}' \
        '{"model":"gpt-4o-mini","stream":true,"moderation":true,"messages":[{"role":"user","content":"say:ok."}]}'; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-bench' -H 'Content-Type: application/json' \
        -d "$body" http://127.0.0.1:$p/v1/chat/completions)
      [ "$code" = 200 ] || { echo "port $p answered $code to $body; logs in $WORK:"; tail -n 50 "$WORK"/*.log; exit 1; }
    done
  done
}
