#!/usr/bin/env bash
# Moderation capacity under the account's rate limit, loopback only, about one minute:
#
#   load-tests/bench/moderation-capacity.sh
#
# Starts the fake upstream, the fake Tencent TMS (answers after 50 ms, RequestLimitExceeded beyond
# 1,000 calls per second, as the real service does) and one modrelay pointed at both, then opens
# 2,000 concurrent moderated chat streams (six short sentences each, one token every 125 ms: about
# 3 s per stream) and the same 2,000 unmoderated. Every stream must arrive whole (its deltas equal
# the text, then [DONE]); a stream cut with the unavailable notice counts as an error. Reports
# completed streams, first-text and first-sentence delay, total time, and TMS calls per stream
# (the fake's own count), to load-tests/results/moderation-capacity-<date>.md and, with
# RESULTS_LATEST=1 (the default), load-tests/results/moderation-capacity-latest.md.
#
# Environment (all optional):
#   BUILD_DIR=target       where the jars are (relay/$BUILD_DIR/modrelay.jar, load-tests/$BUILD_DIR/modrelay-demo.jar)
#   RELAY_JAR=...          another relay jar (e.g. an older build, to measure before/after)
#   STREAMS=2000           streams per run
#   OPEN_RATE=1000         streams opened per second
#   TOKEN_MS=125           one token every TOKEN_MS (24 tokens)
#   TMS_LATENCY_MS=50      the fake TMS's answer time
#   TMS_QPS=1000           the fake TMS's rate limit (calls per second)
#   RELAY_ENV="K=V ..."    extra relay settings (e.g. TENCENT_CLOUD_QPS=1000)
#   PORT_BASE=19400        first of the three loopback ports used
#   LABEL=...              what was measured, for the report (default: the git commit)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-target}
RELAY_JAR=${RELAY_JAR:-$ROOT/relay/$BUILD_DIR/modrelay.jar}
DEMO_JAR=$ROOT/load-tests/$BUILD_DIR/modrelay-demo.jar
RESULTS_DIR=${RESULTS_DIR:-$ROOT/load-tests/results}
RESULTS_LATEST=${RESULTS_LATEST:-1}
STREAMS=${STREAMS:-2000}
OPEN_RATE=${OPEN_RATE:-1000}
TOKEN_MS=${TOKEN_MS:-125}
TMS_LATENCY_MS=${TMS_LATENCY_MS:-50}
TMS_QPS=${TMS_QPS:-1000}
PORT_BASE=${PORT_BASE:-19400}
read -r -a EXTRA_ENV <<<"${RELAY_ENV:-}"
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
TOOL_JAVA_OPTS=${TOOL_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
FAKE_JAVA_OPTS=${FAKE_JAVA_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}

# Six short sentences, 24 tokens (the fake splits after each word and its trailing space/punctuation).
FIRST_SENTENCE="The sun is up."
TEXT="$FIRST_SENTENCE Birds sing so loud. We walk to town. The shop is open. We buy fresh bread. Then we go home."

log() { printf '[capacity %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

WORK=$(mktemp -d /tmp/modrelay-capacity.XXXXXX)
PIDS=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ $status != 0 || -n ${KEEP_LOGS:-} ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_bg() { # name, command...; sets BG_PID (never call it in $(...))
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # url, pid, name
  local i
  for i in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { tail -20 "$WORK/$3.log" >&2; die "$3 exited while starting"; }
    curl -s -o /dev/null --max-time 2 "$1" && return 0
    sleep 0.25
  done
  die "$3 did not answer $1 within 30 s"
}
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | awk -F= 'NR == 1 { print $2 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

ulimit -n "$(ulimit -Hn)"
command -v curl >/dev/null 2>&1 || die "curl is needed"
[[ -f $RELAY_JAR ]] || die "no relay jar at $RELAY_JAR (./mvnw -B -q package -DskipTests)"
[[ -f $DEMO_JAR ]] || die "no demo jar at $DEMO_JAR (./mvnw -B -q package -DskipTests)"
P_FAKE=$PORT_BASE; P_TMS=$((PORT_BASE + 1)); P_RELAY=$((PORT_BASE + 2))
for p in $P_FAKE $P_TMS $P_RELAY; do port_free "$p" || die "port $p is in use (set PORT_BASE)"; done
if [[ -n ${LABEL:-} ]]; then
  SOURCE_NOTE=$LABEL
else
  SOURCE_NOTE="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
fi
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

tool() { java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" "$@"; }
start_bg fake java $FAKE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE" 0; PID_FAKE=$BG_PID
start_bg tms java $FAKE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeTms "$P_TMS" "$TMS_LATENCY_MS" "$TMS_QPS"; PID_TMS=$BG_PID
start_bg relay env HOST=127.0.0.1 PORT="$P_RELAY" UPSTREAM_URL="http://127.0.0.1:$P_FAKE" ACCESS_LOG_LEVEL=OFF \
  UPSTREAM_MAX_CONNECTIONS=10000 MAX_CONNECTIONS_PER_IP=100000 TENCENT_CLOUD_ENDPOINT="http://127.0.0.1:$P_TMS" \
  TENCENT_CLOUD_SID="$(tool modrelay.loadtests.bench.FakeTmsCredentials id)" \
  TENCENT_CLOUD_SKEY="$(tool modrelay.loadtests.bench.FakeTmsCredentials key)" "${EXTRA_ENV[@]}" \
  java $RELAY_JAVA_OPTS -jar "$RELAY_JAR"; PID_RELAY=$BG_PID
wait_http "http://127.0.0.1:$P_FAKE/v1/models" "$PID_FAKE" fake
wait_http "http://127.0.0.1:$P_TMS/stats" "$PID_TMS" tms
wait_http "http://127.0.0.1:$P_RELAY/healthz" "$PID_RELAY" relay

URL=http://127.0.0.1:$P_RELAY/v1/chat/completions
hold() { # moderation flag, streams, concurrency, label
  timeout 180 java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.StreamHolder --url "$URL" --moderation "$1" \
    --streams "$2" --concurrency "$3" --open-rate "$OPEN_RATE" --text "$TEXT" --token-interval-ms "$TOKEN_MS" \
    --mark-chars "${#FIRST_SENTENCE}" --timeout-s 150 --label "$4"
}
tms_calls() { curl -s --max-time 5 "http://127.0.0.1:$P_TMS/stats"; }

log "warm-up: 200 moderated and 200 unmoderated streams, 50 at a time"
hold true 200 50 warm-moderated >/dev/null
hold absent 200 50 warm-unmoderated >/dev/null
sleep 2 # let the last warm-up calls leave the fake's one-second window

BEFORE=$(tms_calls)
log "moderated: $STREAMS streams at once"
MOD_OUT=$(hold true "$STREAMS" "$STREAMS" moderated)
AFTER=$(tms_calls)
log "moderated: $(grep -E '^(RESULT|TIMING|ERRORS)' <<<"$MOD_OUT" | tr '\n' ' ')"
log "unmoderated: $STREAMS streams at once"
UN_OUT=$(hold absent "$STREAMS" "$STREAMS" unmoderated)
log "unmoderated: $(grep -E '^(RESULT|TIMING|ERRORS)' <<<"$UN_OUT" | tr '\n' ' ')"

CALLS=$(( $(kv "$AFTER" calls) - $(kv "$BEFORE" calls) ))
LIMITED=$(( $(kv "$AFTER" rate_limited) - $(kv "$BEFORE" rate_limited) ))
ANSWERED=$((CALLS - LIMITED))
MOD_S=$(kv "$MOD_OUT" elapsed_s)
ERRORS_MOD=$(grep '^ERRORS' <<<"$MOD_OUT" | head -5 | tr '\n' ' ' || true)

mkdir -p "$RESULTS_DIR"
REPORT=$RESULTS_DIR/moderation-capacity-$(date -u +%Y-%m-%d-%H%M).md
{
  echo "# Moderation capacity: $STREAMS concurrent moderated streams, TMS limited to $TMS_QPS calls/s"
  echo
  echo "Measured $STARTED on $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end); $SOURCE_NOTE;"
  echo "relay jar \`${RELAY_JAR#$ROOT/}\`${RELAY_ENV:+, settings \`$RELAY_ENV\`}."
  echo
  echo "Command: \`load-tests/bench/moderation-capacity.sh\` (STREAMS=$STREAMS OPEN_RATE=$OPEN_RATE TOKEN_MS=$TOKEN_MS TMS_LATENCY_MS=$TMS_LATENCY_MS TMS_QPS=$TMS_QPS)."
  echo "Each stream: six short sentences, 24 tokens, one every $TOKEN_MS ms (about $(calc "%.1f" "$TOKEN_MS * 24 / 1000") s); opened at $OPEN_RATE/s, all $STREAMS at once; a stream is whole when its deltas equal the text and it ends with \`[DONE]\` (a cut with the unavailable notice is an error). The fake TMS answers after $TMS_LATENCY_MS ms and with \`RequestLimitExceeded\` beyond $TMS_QPS calls in a second."
  echo
  echo "| run | whole streams | first text p50 / p99 (ms) | first sentence p50 / p99 (ms) | total p50 / p99 (ms) |"
  echo "| --- | --- | --- | --- | --- |"
  for which in moderated unmoderated; do
    [[ $which == moderated ]] && o=$MOD_OUT || o=$UN_OUT
    echo "| $which | $(kv "$o" ok)/$STREAMS | $(kv "$o" first_text_ms_p50) / $(kv "$o" first_text_ms_p99) | $(kv "$o" mark_ms_p50) / $(kv "$o" mark_ms_p99) | $(kv "$o" total_ms_p50) / $(kv "$o" total_ms_p99) |"
  done
  echo
  echo "TMS calls during the moderated run: $CALLS ($LIMITED answered RequestLimitExceeded, $ANSWERED judged), $(calc "%.2f" "$ANSWERED / $STREAMS") judged calls per stream (6 sentences: 6.00 would be one call per sentence), $(calc "%.0f" "$CALLS / $MOD_S") calls/s over the run's $MOD_S s."
  [[ -n $ERRORS_MOD ]] && echo && echo "Errors (moderated): $ERRORS_MOD"
  echo
  echo '```'
  grep -E '^(RESULT|TIMING|ERRORS|MISMATCH)' <<<"$MOD_OUT" | sed 's/^/moderated   /'
  grep -E '^(RESULT|TIMING|ERRORS|MISMATCH)' <<<"$UN_OUT" | sed 's/^/unmoderated /'
  echo "tms before: $BEFORE"
  echo "tms after:  $AFTER"
  echo '```'
} >"$REPORT"
[[ $RESULTS_LATEST == 1 ]] && cp "$REPORT" "$RESULTS_DIR/moderation-capacity-latest.md"
cat "$REPORT"
log "report: ${REPORT#$ROOT/}"
