#!/usr/bin/env bash
# Usage: OLD_JAR=/path/old/modrelay.jar [NEW_JAR=...] [WARM=30 ROUNDS=3 SECONDS_PER=15] load-tests/bench/ab-relays.sh
# Needs wrk and the demo jar (./mvnw -B -q package -DskipTests). Ports 19401-19403. Rounds alternate old/new.
# A/B: the relay bound by Akka's newServerAt().bind (OLD jar) vs the Edge binding (NEW jar), same fake upstream.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OLD=${OLD_JAR:?set OLD_JAR to the relay jar to compare against (e.g. built from git archive <commit>)}
NEW=${NEW_JAR:-$ROOT/relay/target/modrelay.jar}
DEMO=$ROOT/load-tests/target/modrelay-demo.jar
LUA=$ROOT/load-tests/bench/chat-post.lua
JOPTS=${JOPTS:--XX:MaxRAMPercentage=75 -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
java -Xms256m -Xmx1g -XX:+UseParallelGC -cp $DEMO modrelay.loadtests.fakes.FakeUpstream 19401 0 >${TMPDIR:-/tmp}/ab-fake.log 2>&1 & FAKE=$!
env HOST=127.0.0.1 PORT=19402 UPSTREAM_URL=http://127.0.0.1:19401 ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 java $JOPTS -jar $OLD >${TMPDIR:-/tmp}/ab-old.log 2>&1 & A=$!
env HOST=127.0.0.1 PORT=19403 UPSTREAM_URL=http://127.0.0.1:19401 ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 java $JOPTS -jar $NEW >${TMPDIR:-/tmp}/ab-new.log 2>&1 & B=$!
trap 'kill $FAKE $A $B 2>/dev/null' EXIT
for p in 19401/v1/models 19402/healthz 19403/healthz; do
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:$p >/dev/null && break; sleep 0.5; done
done
for p in 19402 19403; do wrk -t2 -c64 -d${WARM:-30}s -s $LUA http://127.0.0.1:$p/v1/chat/completions >/dev/null; done
for r in $(seq 1 ${ROUNDS:-3}); do
  for p in 19402 19403; do
    name=$([ $p = 19402 ] && echo old || echo new)
    echo "round $r $name: $(wrk -t2 -c64 -d${SECONDS_PER:-15}s -s $LUA http://127.0.0.1:$p/v1/chat/completions | grep -E 'Requests/sec|WRK' | tr '\n' ' ')"
  done
done
