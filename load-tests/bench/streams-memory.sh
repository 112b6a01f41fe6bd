#!/usr/bin/env bash
# Usage: [STREAMS=8000 ROUNDS=1] load-tests/bench/streams-memory.sh 'label|JVM flags' ['label|JVM flags' ...]
# Memory per open SSE stream for several JVM/Akka settings of the relay, side by side in one run: for each variant
# (and each round, variants interleaved) a fresh relay in front of one fake upstream, 500 short streams to warm it,
# then STREAMS streams held open together (20 tokens each, paced so they all are), as bench.sh step 3 measures them.
# Prints per variant: streams ok, RSS growth per stream (peak during the level - idle before it) and live-heap growth
# per stream (after a full GC with all streams open). Akka settings go in as -D system properties
# (e.g. -Dakka.http.parsing.header-cache.default=0). Needs the jars (./mvnw -B -q package -DskipTests). Ports 19421-19422.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$ROOT/relay/target/modrelay.jar}
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
STREAMS=${STREAMS:-8000}
[ $# -gt 0 ] || { echo "give at least one 'label|JVM flags' variant" >&2; exit 2; }
WORK=$(mktemp -d)
TOOL="java -Xms256m -Xmx1g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -cp $DEMO"
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$DEMO" modrelay.loadtests.fakes.FakeUpstream 19421 0 >"$WORK/fake.log" 2>&1 & FAKE=$!
RELAY=""
trap 'kill $FAKE $RELAY 2>/dev/null; rm -rf "$WORK"' EXIT
for i in $(seq 1 120); do curl -sf http://127.0.0.1:19421/v1/models >/dev/null && break; sleep 0.5; done
# a token every 3150 ms at 8000 (bench.sh's pacing at 150 accepted streams/s): every stream open when the last opens
INTERVAL=$(( (STREAMS / 150 + 10) * 1000 / 20 )); [ $INTERVAL -lt 1000 ] && INTERVAL=1000
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | awk -F= 'NR == 1 { print $2 }'; }
OUT="$WORK/rows.txt"
for r in $(seq 1 ${ROUNDS:-1}); do
  for v in "$@"; do
    label=${v%%|*}; flags=${v#*|}
    env HOST=127.0.0.1 PORT=19422 UPSTREAM_URL=http://127.0.0.1:19421 ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 \
      MAX_CONNECTIONS_PER_IP=100000 java $flags -jar "$JAR" >"$WORK/relay.log" 2>&1 & RELAY=$!
    for i in $(seq 1 240); do curl -sf http://127.0.0.1:19422/readyz >/dev/null && break; sleep 0.5; done
    $TOOL modrelay.loadtests.bench.StreamHolder --url http://127.0.0.1:19422/v1/chat/completions --streams 500 \
      --open-rate 1000 --text "Warm up the streaming path, please." --token-interval-ms 50 --timeout-s 60 --label warm-up >/dev/null
    sleep 2
    out=$(timeout 300 $TOOL modrelay.loadtests.bench.StreamHolder --url http://127.0.0.1:19422/v1/chat/completions \
      --streams "$STREAMS" --open-rate 500 --token-interval-ms "$INTERVAL" --timeout-s 240 --sample-pid "$RELAY" \
      --text "Streams stay open while the model speaks slowly, one token at a time, and the relay keeps every one alive." \
      --label "$label")
    kill $RELAY; wait $RELAY 2>/dev/null; RELAY=""
    res=$(grep '^RESULT' <<<"$out"); mem=$(grep '^MEMORY' <<<"$out")
    awk -v l="$label" -v r=$r -v n=$STREAMS -v ok="$(kv "$res" ok)" -v pr="$(kv "$mem" peak_rss_kb)" -v ir="$(kv "$mem" idle_rss_kb)" \
        -v oh="$(kv "$mem" open_heap_kb)" -v ih="$(kv "$mem" idle_heap_kb)" 'BEGIN {
      printf "round %d %-28s ok=%s/%d idle_rss_mb=%.0f peak_rss_mb=%.0f rss_kb_per_stream=%.1f heap_kb_per_stream=%.1f\n",
        r, l, ok, n, ir / 1024, pr / 1024, (pr - ir) / n, (oh - ih) / n }' | tee -a "$OUT"
  done
done
echo "flags per label:"; for v in "$@"; do echo "  ${v%%|*}: ${v#*|}"; done
