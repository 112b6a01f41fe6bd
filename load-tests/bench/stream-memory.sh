#!/usr/bin/env bash
# Memory per open SSE stream of relay variants, one after another against one fake upstream:
#
#   STREAMS=4000 load-tests/bench/stream-memory.sh 'default|-XX:MaxRAMPercentage=75' 'serial|-XX:+UseSerialGC|AKKA_X=1'
#
# Each argument is name|JVM flags[|env assignments, space-separated]; the name "bare" (or bare-*) runs the
# bare Akka HTTP proxy (BareProxy) instead of the relay (bare-h2*: its HTTP/2 mode, to the h2c fake). Each variant: a fresh process, 500 short warm-up
# streams, then STREAMS streams held open at once (StreamHolder --sample-pid): RSS and live heap per stream,
# the class histogram growth (top 8), and the time to /readyz. Needs the jars (./mvnw -B -q package -DskipTests).
# A relay variant with UPSTREAM_HTTP2=true or =streams among its env assignments goes to a second fake that speaks HTTP/2 (h2c).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RELAY_JAR=$ROOT/relay/target/modrelay.jar
DEMO_JAR=$ROOT/load-tests/target/modrelay-demo.jar
STREAMS=${STREAMS:-4000}
PORT_BASE=${PORT_BASE:-19500}
P_FAKE=$PORT_BASE; P_RELAY=$((PORT_BASE + 1)); P_FAKE_H2=$((PORT_BASE + 2))
TOOL="java -Xms256m -Xmx1g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -cp $DEMO_JAR"
WORK=$(mktemp -d /tmp/stream-memory.XXXXXX)
ulimit -n "$(ulimit -Hn)"
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE" 0 >"$WORK/fake.log" 2>&1 & FAKE=$!
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE_H2" 0 h2 >"$WORK/fake-h2.log" 2>&1 & FAKE_H2=$!
PID=
trap 'kill $FAKE $FAKE_H2 $PID 2>/dev/null || true' EXIT
for port in $P_FAKE $P_FAKE_H2; do
  for i in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.25; done
done
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | awk -F= 'NR == 1 { print $2 }'; }
interval=$(( (STREAMS / 150 + 10) * 1000 / 20 ))
for variant in "$@"; do
  IFS='|' read -r name opts envs <<<"$variant"
  t0=$(date +%s%3N)
  if [[ $name == bare* ]]; then
    # bare-h2: the bare proxy over one HTTP/2 connection to the h2c fake
    if [[ $name == bare-h2* ]]; then bare="$P_FAKE_H2 h2"; else bare="$P_FAKE pool"; fi
    # shellcheck disable=SC2086
    java $opts -cp "$DEMO_JAR" modrelay.loadtests.bench.BareProxy "$P_RELAY" $bare >"$WORK/$name.log" 2>&1 & PID=$!
  else
    fake=$P_FAKE; [[ " $envs " == *" UPSTREAM_HTTP2="* && " $envs " != *" UPSTREAM_HTTP2=false "* ]] && fake=$P_FAKE_H2
    # shellcheck disable=SC2086
    env HOST=127.0.0.1 PORT=$P_RELAY UPSTREAM_URL=http://127.0.0.1:$fake ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 \
      MAX_CONNECTIONS_PER_IP=100000 $envs java $opts -jar "$RELAY_JAR" >"$WORK/$name.log" 2>&1 & PID=$!
  fi
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$P_RELAY/readyz") == 200 ]]; do
    kill -0 $PID 2>/dev/null || { tail "$WORK/$name.log"; exit 1; }
    sleep 0.02
  done
  ready=$(( $(date +%s%3N) - t0 ))
  sleep 3; cold=$(awk '/VmRSS/ { print $2 }' /proc/$PID/status)
  url=http://127.0.0.1:$P_RELAY/v1/chat/completions
  $TOOL modrelay.loadtests.bench.StreamHolder --url "$url" --streams 500 --open-rate 1000 --text "Warm up the streaming path, please." \
    --token-interval-ms 50 --timeout-s 60 --label warm >/dev/null
  sleep 2
  out=$($TOOL modrelay.loadtests.bench.StreamHolder --url "$url" --streams "$STREAMS" --open-rate 500 \
    --text "Streams stay open while the model speaks slowly, one token at a time, and the relay keeps every one alive." \
    --token-interval-ms "$interval" --timeout-s 200 --sample-pid $PID --histogram "$WORK/h-$name" --label "$name")
  threads=$(ls /proc/$PID/task | wc -l)
  printf '%-14s ok=%s/%s ready_ms=%s cold_rss_mb=%d idle_rss_mb=%d rss_per_stream_kb=%.1f heap_per_stream_kb=%.1f threads=%s load=%s\n' \
    "$name" "$(kv "$out" ok)" "$STREAMS" "$ready" $((cold / 1024)) $(($(kv "$out" idle_rss_kb) / 1024)) \
    "$(awk "BEGIN { print ($(kv "$out" peak_rss_kb) - $(kv "$out" idle_rss_kb)) / $STREAMS }")" \
    "$(awk "BEGIN { print ($(kv "$out" open_heap_kb) - $(kv "$out" idle_heap_kb)) / $STREAMS }")" "$threads" "$(cut -d' ' -f1 /proc/loadavg)"
  grep '^ERRORS \[' <<<"$out" || true
  if [[ ${HISTOGRAM:-0} == 1 && -s $WORK/h-$name-open.txt ]]; then
    awk -v n="$STREAMS" 'FNR == 1 { file++ } $1 ~ /:$/ && NF >= 4 { if (file == 1) { ib[$4] = $3; ic[$4] = $2 } else { ob[$4] = $3; oc[$4] = $2 } }
      END { for (k in ob) printf "  %6d B %7.2f x %s\n", (ob[k] - ib[k]) / n, (oc[k] - ic[k]) / n, k }' \
      "$WORK/h-$name-idle.txt" "$WORK/h-$name-open.txt" | sort -rn | head -${HISTOGRAM_TOP:-10} || true
  fi
  kill $PID; wait $PID 2>/dev/null || true; PID=
done
rm -rf "$WORK"
