#!/usr/bin/env bash
# Issue 4's measure: throughput and p99 of modrelay with LOG_CHAT=true vs off, side by side in one
# run (interleaved rounds, so both share the machine's noise). About 3 minutes, loopback only, stops
# what it started. Uses the same tools as bench.sh (wrk + chat-post.lua, FixedRateProbe).
#   load-tests/bench/chatlog.sh        (env: BUILD_DIR=target, PORT_BASE=19400, ROUNDS=3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-target}
PORT_BASE=${PORT_BASE:-19400}
ROUNDS=${ROUNDS:-3}
RELAY_JAR=$ROOT/relay/$BUILD_DIR/modrelay.jar
DEMO_JAR=$ROOT/load-tests/$BUILD_DIR/modrelay-demo.jar
RESULTS=$ROOT/load-tests/results
WORK=$(mktemp -d /tmp/modrelay-chatlog.XXXXXX)
JOPTS="-Xms256m -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
P_FAKE=$PORT_BASE; P_OFF=$((PORT_BASE + 1)); P_ON=$((PORT_BASE + 2))
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '[chatlog %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | awk -F= 'NR == 1 { print $2 }'; }

command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
[[ -f $RELAY_JAR && -f $DEMO_JAR ]] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Dbuild.dirname="$BUILD_DIR")
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

java $JOPTS -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE" 0 >"$WORK/fake.log" 2>&1 & PIDS+=($!)
env HOST=127.0.0.1 PORT=$P_OFF UPSTREAM_URL=http://127.0.0.1:$P_FAKE ACCESS_LOG_LEVEL=OFF LOG_CHAT=false \
  java -XX:MaxRAMPercentage=75 -jar "$RELAY_JAR" >"$WORK/off.log" 2>&1 & PIDS+=($!)
env HOST=127.0.0.1 PORT=$P_ON UPSTREAM_URL=http://127.0.0.1:$P_FAKE ACCESS_LOG_LEVEL=OFF LOG_CHAT=true LOG_DIR="$WORK/chat" \
  java -XX:MaxRAMPercentage=75 -jar "$RELAY_JAR" >"$WORK/on.log" 2>&1 & PIDS+=($!)
for p in $P_FAKE $P_OFF $P_ON; do
  for i in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$p/v1/models" && break; sleep 0.25; done
done
URL_OFF=http://127.0.0.1:$P_OFF/v1/chat/completions
URL_ON=http://127.0.0.1:$P_ON/v1/chat/completions
LUA=$ROOT/load-tests/bench/chat-post.lua
log "warm-up"
for u in "$URL_OFF" "$URL_ON"; do wrk -t2 -c64 -d10s -s "$LUA" "$u" >/dev/null; done

declare -A SUM BEST P99
for t in off on; do SUM[$t]=0; BEST[$t]=0; done
for r in $(seq 1 "$ROUNDS"); do
  for t in off on; do
    u=$URL_OFF; [[ $t == on ]] && u=$URL_ON
    line=$(wrk -t2 -c64 -d10s -s "$LUA" "$u" | grep '^WRK ')
    log "round $r LOG_CHAT=$t: $line"
    rps=$(kv "$line" rps)
    SUM[$t]=$(awk "BEGIN { print ${SUM[$t]} + $rps }")
    if awk "BEGIN { exit !($rps > ${BEST[$t]}) }"; then BEST[$t]=$rps; P99[$t]=$(kv "$line" p99_ms); fi
  done
done
declare -A LAT
for t in off on; do
  u=$URL_OFF; [[ $t == on ]] && u=$URL_ON
  LAT[$t]=$(timeout 120 java $JOPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.FixedRateProbe --url "$u" --rate 1000 \
    --duration-s 15 --warmup-s 5 --connections 64 --label "$t" | grep '^RESULT ')
  log "latency LOG_CHAT=$t: ${LAT[$t]}"
done
lines=$(cat "$WORK"/chat/*.jsonl 2>/dev/null | wc -l)

mkdir -p "$RESULTS"
{
  echo "# modrelay chat log cost, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Two relays side by side in one run (LOG_CHAT=false / LOG_CHAT=true), same fake upstream; wrk -t2 -c64 -d10s, $ROUNDS interleaved rounds; FixedRateProbe at 1000 req/s for 15 s (open model). Load average at end: $(cut -d' ' -f1-3 /proc/loadavg). Chat log lines written: $lines."
  echo
  echo "| LOG_CHAT | mean req/s | best req/s | p99 ms (best round) | p50 ms @1000/s | p99 ms @1000/s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for t in off on; do
    echo "| $t | $(awk "BEGIN { printf \"%.0f\", ${SUM[$t]} / $ROUNDS }") | ${BEST[$t]} | ${P99[$t]} | $(kv "${LAT[$t]}" latency_ms_p50) | $(kv "${LAT[$t]}" latency_ms_p99) |"
  done
  echo
  echo "Throughput on/off (mean): **$(awk "BEGIN { printf \"%.3f\", ${SUM[on]} / ${SUM[off]} }")** (goal ≥ 0.95); p99 at 1000/s on − off: **$(awk "BEGIN { printf \"%.3f\", $(kv "${LAT[on]}" latency_ms_p99) - $(kv "${LAT[off]}" latency_ms_p99) }") ms**."
} | tee "$RESULTS/chatlog-latest.md"
