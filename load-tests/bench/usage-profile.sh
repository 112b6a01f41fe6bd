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
source "$(dirname "${BASH_SOURCE[0]}")/usage-common.sh"
KIND=${KIND:-plain}
case $KIND in
  small) LUA=$SMALL; C=${CONNS:-64};;
  stream) LUA=$STREAM; C=${STREAM_CONNS:-16};;
  plain) LUA=$PLAIN; C=${STREAM_CONNS:-16};;
  *) echo "KIND is small, stream or plain"; exit 2;;
esac
start_fake
env $COMMON DATA_DIR="$WORK/data" java $JOPTS -XX:StartFlightRecording=settings=profile,filename="$WORK/all.jfr" -cp "$DEMO" modrelay.loadtests.bench.TwinRelays \
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
