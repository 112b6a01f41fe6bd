#!/usr/bin/env bash
# Usage: [KIND=small|stream|plain] [WARM=150] [SECONDS_PER=60] [CONNS=64] [STREAM_CONNS=16] load-tests/bench/usage-profile.sh
# Where usage accounting's CPU goes: TwinRelays (usage-twin.sh's two relays in one JVM) recorded with JFR from launch
# (starting JFR later deoptimises, and this box's JIT needs minutes of load to settle), one row of load on the
# USAGE=on relay for WARM seconds, then SECONDS_PER measured seconds dumped on their own. Prints the share of the on
# relay's CPU samples (its dispatcher threads and the usage writer) whose stack holds usage code (the tokens and usage
# packages, and the request's include_usage flag), then the usage frames that are most often in a stack.
# KEEP_JFR=path keeps the measured recording. Rows: small non-streaming requests, moderated streams, unmoderated streams. Needs wrk, jfr and the demo jar.
# Ports 19411-19414.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
KIND=${KIND:-plain}
case $KIND in
  small) LUA=$ROOT/load-tests/bench/chat-post.lua; C=${CONNS:-64};;
  stream) LUA=$ROOT/load-tests/bench/stream-moderated.lua; C=${STREAM_CONNS:-16};;
  plain) LUA=$ROOT/load-tests/bench/stream-plain.lua; C=${STREAM_CONNS:-16};;
  *) echo "KIND is small, stream or plain"; exit 2;;
esac
WORK=$(mktemp -d)
echo "forbiddenword" > "$WORK/keywords.txt"
java -Xms256m -Xmx1g -XX:+UseParallelGC -cp "$DEMO" modrelay.loadtests.fakes.FakeUpstream 19411 0 >"$WORK/fake.log" 2>&1 & FAKE=$!
TWINS=""
trap 'kill $FAKE $TWINS 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 1 120); do curl -sf http://127.0.0.1:19411/v1/models >/dev/null && break; sleep 0.5; done
env HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:19411 OPENAI_KEY=sk-server PROXY_KEY=sk-bench ACCESS_LOG_LEVEL=OFF \
  UPSTREAM_MAX_CONNECTIONS=10000 ADMIN_TOKEN=bench-admin-token-0123456789 MODERATION_KEYWORDS_FILE="$WORK/keywords.txt" \
  DATA_DIR="$WORK/data" java -XX:+UseSerialGC -XX:MaxRAMPercentage=75 -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -XX:StartFlightRecording=settings=profile,filename="$WORK/all.jfr" -cp "$DEMO" modrelay.loadtests.bench.TwinRelays \
  >"$WORK/twins.log" 2>&1 & TWINS=$!
for i in $(seq 1 120); do curl -sf http://127.0.0.1:19414/cpu >/dev/null && break; sleep 0.5; done
wrk -t2 -c$C -d${WARM:-150}s -s "$LUA" http://127.0.0.1:19412/v1/chat/completions | grep WRK
wrk -t2 -c$C -d${SECONDS_PER:-60}s -s "$LUA" http://127.0.0.1:19412/v1/chat/completions | grep WRK
jcmd $TWINS JFR.dump name=1 begin=-${SECONDS_PER:-60}s filename="$WORK/measured.jfr" >/dev/null
[ -n "${KEEP_JFR:-}" ] && cp "$WORK/measured.jfr" "$KEEP_JFR"
jfr print --stack-depth 96 --events jdk.ExecutionSample "$WORK/measured.jfr" | awk '
  /sampledThread = / { thread = $0; next }
  /stackTrace = \[/ { inside = 1; hit = 0; delete seen; next }
  inside && /^[[:space:]]*\]/ {
    inside = 0
    if (thread ~ /"on-|modrelay-usage-writer/) { total++; if (hit) { usage++; for (f in seen) count[f]++ } }
    next
  }
  inside {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line)
    if (line ~ /modrelay\.relay\.(tokens|usage)\.|asksUsage|withIncludeUsage/) { hit = 1; seen[line] = 1 }
  }
  END {
    printf "KIND='"$KIND"': %d of %d samples on the on relay hold usage code: %.1f%%\n", usage, total, total ? 100 * usage / total : 0 > "/dev/stderr"
    for (f in count) printf "%6d %5.1f%% %s\n", count[f], 100 * count[f] / total, f
  }' | sort -k1,1 -rn -s | head -25
