#!/usr/bin/env bash
# CPU time per small request of two relay builds and the bare Akka HTTP proxy, side by side:
#   A_JAR=/tmp/before.jar [B_JAR=relay/target/modrelay.jar] [A_OPTS=… B_OPTS=…] [WARM=60 ROUNDS=4 SECONDS_PER=10] \
#     load-tests/bench/cpu-per-request.sh
# Each round runs wrk -t2 -c64 against A, B and bare in turn and prints each process's CPU (user + system, from
# /proc/<pid>/stat) divided by the requests it served, and the fake upstream's. On this shared 2-core box req/s moves
# with whatever else runs; CPU per request moves far less, so it is what tells a cheaper build from a dearer one.
# Ports 19801-19804. Needs wrk and the jars (./mvnw -B -q package -DskipTests).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
A_JAR=${A_JAR:?set A_JAR to the relay jar to compare against}
B_JAR=${B_JAR:-$ROOT/relay/target/modrelay.jar}
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
LUA=$ROOT/load-tests/bench/chat-post.lua
JVM=${JVM:--XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:MaxNewSize=128m -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
ENV=(HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:19801 ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 MAX_CONNECTIONS_PER_IP=100000)
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp "$DEMO" modrelay.loadtests.fakes.FakeUpstream 19801 0 >"${TMPDIR:-/tmp}/cpr-fake.log" 2>&1 & FAKE=$!
# shellcheck disable=SC2086
env "${ENV[@]}" PORT=19802 java $JVM ${A_OPTS:-} -jar "$A_JAR" >"${TMPDIR:-/tmp}/cpr-a.log" 2>&1 & A=$!
# shellcheck disable=SC2086
env "${ENV[@]}" PORT=19803 java $JVM ${B_OPTS:-} -jar "$B_JAR" >"${TMPDIR:-/tmp}/cpr-b.log" 2>&1 & B=$!
# shellcheck disable=SC2086
java $JVM -cp "$DEMO" modrelay.loadtests.bench.BareProxy 19804 19801 pool >"${TMPDIR:-/tmp}/cpr-bare.log" 2>&1 & C=$!
trap 'kill $FAKE $A $B $C 2>/dev/null' EXIT
for p in 19801/v1/models 19802/healthz 19803/healthz 19804/readyz; do
  for i in $(seq 1 240); do curl -sf "http://127.0.0.1:$p" >/dev/null && break; sleep 0.5; done
done
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
per_req() { awk -v d="$1" -v hz="$HZ" -v n="$2" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }'; }
echo "A: $A_JAR ${A_OPTS:-}"; echo "B: $B_JAR ${B_OPTS:-}"; echo "JVM: $JVM"
for p in 19802 19803 19804; do wrk -t2 -c64 -d"${WARM:-60}"s -s "$LUA" "http://127.0.0.1:$p/v1/chat/completions" >/dev/null; done
for r in $(seq 1 "${ROUNDS:-4}"); do
  for p in 19802 19803 19804; do
    case $p in 19802) name=A; pid=$A ;; 19803) name=B; pid=$B ;; *) name=bare; pid=$C ;; esac
    t0=$(ticks $pid); f0=$(ticks $FAKE)
    out=$(wrk -t2 -c64 -d"${SECONDS_PER:-10}"s -s "$LUA" "http://127.0.0.1:$p/v1/chat/completions" | grep WRK)
    t1=$(ticks $pid); f1=$(ticks $FAKE)
    n=$(grep -o 'requests=[0-9]*' <<<"$out" | cut -d= -f2)
    echo "round $r $name: rps=$(grep -o 'rps=[0-9.]*' <<<"$out" | cut -d= -f2) cpu_us_per_request=$(per_req $((t1 - t0)) "$n") fake_cpu_us_per_request=$(per_req $((f1 - f0)) "$n") errors=$(grep -o 'socket_errors=[0-9]*' <<<"$out" | cut -d= -f2)"
  done
done
