#!/usr/bin/env bash
# A/B of JVM flags (or Akka settings as -D properties) on the same relay jar, side by side:
#   A_OPTS='-XX:+UseG1GC' B_OPTS='-XX:+UseSerialGC' [WARM=20 ROUNDS=3 SECONDS_PER=10 RATE=1000] load-tests/bench/ab-flags.sh
# Both relays in front of one FakeUpstream; wrk -t2 -c64 rounds alternate A/B; then the open-model probe at RATE req/s,
# alternating too (p99 per run). Ports 19601-19604. Needs wrk and the jars.
# BARE=1 adds the bare Akka HTTP proxy (BareProxy, host pool, the same flags as B) to every round, as the reference.
# A_JAR / B_JAR run two builds side by side (default: both JAR), e.g. A_JAR=/tmp/before.jar with the same flags.
# LUA=<wrk script> replaces the small chat request (e.g. load-tests/bench/stream-plain.lua for streams).
# FAKE_H2=1 starts the fake so that it speaks HTTP/2 (h2c) as well as HTTP/1.1, for B_OPTS='… -Dmodrelay.upstream.http2=true'.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$ROOT/relay/target/modrelay.jar}
A_JAR=${A_JAR:-$JAR}; B_JAR=${B_JAR:-$JAR}
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
LUA=${LUA:-$ROOT/load-tests/bench/chat-post.lua}
COMMON="-XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
ENV=(HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:19601 ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 MAX_CONNECTIONS_PER_IP=100000)
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp $DEMO modrelay.loadtests.fakes.FakeUpstream 19601 0 $([[ ${FAKE_H2:-0} == 1 ]] && echo h2) >${TMPDIR:-/tmp}/abf-fake.log 2>&1 & FAKE=$!
env "${ENV[@]}" PORT=19602 java $COMMON ${A_OPTS:-} -jar $A_JAR >${TMPDIR:-/tmp}/abf-a.log 2>&1 & A=$!
env "${ENV[@]}" PORT=19603 java $COMMON ${B_OPTS:-} -jar $B_JAR >${TMPDIR:-/tmp}/abf-b.log 2>&1 & B=$!
PORTS="19602 19603"; C=
if [[ ${BARE:-0} == 1 ]]; then
  java $COMMON ${B_OPTS:-} -cp $DEMO modrelay.loadtests.bench.BareProxy 19604 19601 pool >${TMPDIR:-/tmp}/abf-bare.log 2>&1 & C=$!
  PORTS="19602 19603 19604"
fi
trap 'kill $FAKE $A $B $C 2>/dev/null' EXIT
for p in 19601/v1/models 19602/healthz 19603/healthz $([[ -n $C ]] && echo 19604/readyz); do
  for i in $(seq 1 240); do curl -sf http://127.0.0.1:$p >/dev/null && break; sleep 0.5; done
done
echo "A: ${A_OPTS:-} ($A_JAR)"; echo "B: ${B_OPTS:-} ($B_JAR)"; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $PORTS; do wrk -t2 -c64 -d${WARM:-20}s -s $LUA http://127.0.0.1:$p/v1/chat/completions >/dev/null; done
for r in $(seq 1 ${ROUNDS:-3}); do
  for p in $PORTS; do
    name=$(case $p in 19602) echo A ;; 19603) echo B ;; *) echo bare ;; esac)
    echo "round $r $name: $(wrk -t2 -c64 -d${SECONDS_PER:-10}s -s $LUA http://127.0.0.1:$p/v1/chat/completions | grep -E 'WRK' | tr '\n' ' ')"
  done
done
if [[ ${RATE:-1000} != 0 ]]; then
  for r in $(seq 1 ${ROUNDS:-3}); do
    for p in 19601 $PORTS; do
      name=$(case $p in 19601) echo direct ;; 19602) echo A ;; 19603) echo B ;; *) echo bare ;; esac)
      line=$(java -Xms256m -Xmx1g -XX:+UseParallelGC -cp $DEMO modrelay.loadtests.bench.FixedRateProbe --url http://127.0.0.1:$p/v1/chat/completions \
        --rate ${RATE:-1000} --duration-s ${PROBE_S:-15} --warmup-s 5 --connections 64 --label $name | grep '^RESULT')
      echo "probe $r $name: $(grep -o 'latency_ms_p50=[^ ]*\|latency_ms_p99=[^ ]*\|errors=[^ ]*' <<<"$line" | tr '\n' ' ')"
    done
  done
fi
for pid in $A $B; do echo "pid $pid RSS $(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB threads $(ls /proc/$pid/task | wc -l)"; done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
