#!/usr/bin/env bash
# The bare Akka HTTP proxy (BareProxy) in its three shapes side by side, interleaved wrk rounds:
#   [WARM=40 ROUNDS=3] load-tests/bench/bare-shapes.sh
# pool (19702): server -> singleRequest host pool; queued (19703): the relay's shape, an async handler per request
# with an upstream connection per client connection fed through a queue; paired (19704): one fused Flow per
# connection. Tells how much of pairing's gain survives a future per request. Ports 19701-19704. Needs wrk and the jars.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
LUA=$ROOT/load-tests/bench/chat-post.lua
JO="-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:MaxNewSize=128m -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
java -Xms512m -Xmx2g -XX:+UseParallelGC -cp $DEMO modrelay.loadtests.fakes.FakeUpstream 19701 0 >${TMPDIR:-/tmp}/bs-fake.log 2>&1 & F=$!
java $JO -cp $DEMO modrelay.loadtests.bench.BareProxy 19702 19701 pool >${TMPDIR:-/tmp}/bs-pool.log 2>&1 & P1=$!
java $JO -cp $DEMO modrelay.loadtests.bench.BareProxy 19703 19701 queued >${TMPDIR:-/tmp}/bs-queued.log 2>&1 & P2=$!
java $JO -cp $DEMO modrelay.loadtests.bench.BareProxy 19704 19701 paired >${TMPDIR:-/tmp}/bs-paired.log 2>&1 & P3=$!
trap 'kill $F $P1 $P2 $P3 2>/dev/null' EXIT
for p in 19701 19702 19703 19704; do for i in $(seq 1 240); do curl -sf http://127.0.0.1:$p/v1/models >/dev/null && break; sleep 0.5; done; done
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in 19702 19703 19704; do wrk -t2 -c64 -d${WARM:-40}s -s $LUA http://127.0.0.1:$p/v1/chat/completions >/dev/null; done
for r in $(seq 1 ${ROUNDS:-3}); do
  for p in 19702 19703 19704; do
    name=$(case $p in 19702) echo pool ;; 19703) echo queued ;; *) echo paired ;; esac)
    echo "round $r $name: $(wrk -t2 -c64 -d10s -s $LUA http://127.0.0.1:$p/v1/chat/completions | grep -E 'WRK' | tr '\n' ' ')"
  done
done
