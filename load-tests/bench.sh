#!/usr/bin/env bash
# modrelay side-by-side benchmark, one command, loopback only, about 20 minutes:
#
#   load-tests/bench.sh
#
# Installs what it needs (Debian nginx and wrk), builds the jars if they are missing, starts the
# fake upstream, the fake Tencent TMS, nginx (plain streaming reverse proxy to the fake), the bare
# Akka HTTP proxy (BareProxy: the framework's ceiling, same Akka versions, no logic; host pool, and
# a variant with one upstream connection per client connection), modrelay (unmoderated, access log
# off), a second unmoderated modrelay for step 4 and two moderating modrelays against the fake TMS
# (MODERATION_CONTEXT_CHARS default, and 0),
# then measures, side by side:
#   1. max requests/s of a tiny non-streaming chat completion: direct, nginx, bare Akka, modrelay (wrk);
#   2. p50/p99 latency at a fixed 1000 req/s, open model (FixedRateProbe), three interleaved runs:
#      direct, nginx, bare Akka, modrelay; the added p99 over direct is the median of the three;
#   3. 1,000 / 4,000 / 8,000 concurrent SSE streams held open through a fresh modrelay, and 8,000
#      through a fresh bare Akka proxy, a one-worker nginx and a fresh modrelay with UPSTREAM_HTTP2=streams
#      (to a second fake that speaks h2c) (StreamHolder): completed without error, RSS and live heap idle and
#      with all streams open;
#   4. moderated vs unmoderated streams (TMS 50 ms, a token every 20 ms, 5 sentences), with the
#      moderation context window at its default and at 0;
#   5. start-up: time from launch to /readyz and idle RSS of a fresh modrelay and bare proxy.
# Writes load-tests/results/bench-<date>.md and load-tests/results/latest.md, prints the table,
# and stops everything it started.
#
# Environment (all optional):
#   BUILD_DIR=target        where the jars are (relay/$BUILD_DIR/modrelay.jar, load-tests/$BUILD_DIR/modrelay-demo.jar)
#   RELAY_JAVA_OPTS=...     JVM flags of the relays and the bare proxy (default: the README's java -jar line)
#   PORT_BASE=19300         first of the thirteen loopback ports used
#   QUICK=1                 a short smoke run (a few seconds per step, small stream counts)
#   ONLY=moderation         only step 4 (the fake, the TMS and its three relays; about 5 minutes), in MOD_ROUNDS
#                           interleaved rounds; writes load-tests/results/bench-moderation-<date>.md
#   MOD_ROUNDS=N            interleaved rounds of step 4, the median ratio reported (default 1, 3 with ONLY=moderation)
#   MOD_WARM_STREAMS=N      streams through each relay of step 4 before its rounds, 40 at a time (default 400; QUICK 40)
#   WARM_SECONDS=N          wrk warm-up per target before step 1 (default 20; on a contended box the relay's JIT
#                           needed about 100 s of load to reach its steady req/s, and 20 s measured its warm-up)
#   RESULTS_DIR=...         where the report goes (default load-tests/results)
#   BENCH_SOURCE=...        what was measured, for the report (default: the git commit of this checkout)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-target}
RELAY_JAR=$ROOT/relay/$BUILD_DIR/modrelay.jar
DEMO_JAR=$ROOT/load-tests/$BUILD_DIR/modrelay-demo.jar
RESULTS_DIR=${RESULTS_DIR:-$ROOT/load-tests/results}
PORT_BASE=${PORT_BASE:-19300}
QUICK=${QUICK:-0}
ONLY=${ONLY:-}
[[ -z $ONLY || $ONLY == moderation ]] || { echo "ONLY must be empty or 'moderation'" >&2; exit 2; }
if [[ $ONLY == moderation ]]; then MOD_ROUNDS=${MOD_ROUNDS:-3}; else MOD_ROUNDS=${MOD_ROUNDS:-1}; fi
# The flags of the README's java -jar line (docs/operations.md, Performance, says why each one), plus a
# common pool of 2: on a machine or container with 2 CPUs or fewer the JDK's common pool has parallelism 1,
# and CompletableFuture then runs every async stage on a *new thread* (Main sets it too; explicit here).
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:MaxNewSize=128m -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
BARE_JAVA_OPTS=${BARE_JAVA_OPTS:-$RELAY_JAVA_OPTS}
# The fakes and the load tools are the test harness: the same pool fix, a small fixed heap.
TOOL_JAVA_OPTS=${TOOL_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
FAKE_JAVA_OPTS=${FAKE_JAVA_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}
# Nine JVMs start at once: on a busy 2-CPU machine Akka's 5 s for its logger to start was seen to run out.
SLOW_START=-Dakka.logger-startup-timeout=30s

if [[ $QUICK == 1 ]]; then
  WRK_SECONDS=4; WRK_ROUNDS=1; WARM_SECONDS=3; PROBE_SECONDS=5; PROBE_WARMUP=2; PROBE_RUNS=1
  STREAM_LEVELS=(200 500); STREAM_TOKENS_MS=300; MOD_STREAMS=5; STREAM_ACCEPT_PER_S=1000
else
  WRK_SECONDS=10; WRK_ROUNDS=3; WARM_SECONDS=${WARM_SECONDS:-20}; PROBE_SECONDS=15; PROBE_WARMUP=5; PROBE_RUNS=3
  STREAM_LEVELS=(1000 4000 8000); STREAM_TOKENS_MS=1000; MOD_STREAMS=20; STREAM_ACCEPT_PER_S=150
fi
# The bare proxy and nginx hold as many streams as the biggest modrelay level, for memory per stream side by side.
PEER_STREAMS=${STREAM_LEVELS[-1]}
WRK_ARGS=(-t2 -c64)
# Streams are opened at this rate: faster only overflows the relay's accept queue (SYN retries).
STREAM_OPEN_RATE=500
PROBE_RATE=1000
TMS_LATENCY_MS=50
MOD_TOKEN_MS=20
MOD_WARM_CONCURRENCY=40
if [[ $QUICK == 1 ]]; then MOD_WARM_STREAMS=${MOD_WARM_STREAMS:-40}; else MOD_WARM_STREAMS=${MOD_WARM_STREAMS:-400}; fi

# 20 tokens (the fake splits after each word and its trailing space/punctuation): ~20 s at 1 token/s.
STREAM_TEXT="Streams stay open while the model speaks slowly, one token at a time, and the relay keeps every one alive."
# 5 sentences of 12 tokens each: 60 tokens, 1.2 s at 20 ms per token.
FIRST_SENTENCE="The quick brown fox jumps over the lazy dog near the river."
MOD_TEXT="$FIRST_SENTENCE A small boat drifts slowly past the old mill in the morning. Children laugh while they chase bright kites across the green hill. The baker opens his shop and the smell of bread fills the street. Evening comes softly and the lights of the town begin to glow."

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- processes we start, and their end
WORK=$(mktemp -d /tmp/modrelay-bench.XXXXXX)
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
  if [[ $status != 0 ]]; then
    log "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_bg() { # name, command...; sets BG_PID and remembers it for cleanup (never call it in $(...))
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

# ---------------------------------------------------------------- what the bench needs
ulimit -n "$(ulimit -Hn)"
if [[ -n $ONLY ]]; then
  command -v curl >/dev/null 2>&1 || die "curl is needed: apt-get install curl"
elif ! command -v nginx >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  [[ $(id -u) == 0 ]] || die "nginx, wrk and curl are needed: apt-get install nginx wrk curl (as root)"
  log "installing nginx, wrk and curl (Debian packages)"
  apt-get update -q >"$WORK/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx wrk curl >>"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; die "apt-get install"; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v jcmd >/dev/null 2>&1 || die "jcmd (a JDK) is needed"
if [[ ! -f $RELAY_JAR || ! -f $DEMO_JAR ]]; then
  log "building the jars (./mvnw -B -q package -DskipTests -Dbuild.dirname=$BUILD_DIR)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests "-Dbuild.dirname=$BUILD_DIR") || die "build"
fi

P_FAKE=$PORT_BASE; P_TMS=$((PORT_BASE + 1)); P_NGINX=$((PORT_BASE + 2))
P_RELAY=$((PORT_BASE + 3)); P_MOD=$((PORT_BASE + 4)); P_STREAMS=$((PORT_BASE + 5))
P_BARE=$((PORT_BASE + 6)); P_PAIRED=$((PORT_BASE + 7)); P_MOD0=$((PORT_BASE + 8)); P_NGINX1=$((PORT_BASE + 9))
P_FAKE_H2=$((PORT_BASE + 10)); P_STREAMS_H2=$((PORT_BASE + 11)); P_UNMOD=$((PORT_BASE + 12))
for p in $P_FAKE $P_TMS $P_NGINX $P_RELAY $P_MOD $P_STREAMS $P_BARE $P_PAIRED $P_MOD0 $P_NGINX1 $P_FAKE_H2 $P_STREAMS_H2 $P_UNMOD; do
  port_free "$p" || die "port $p is in use (set PORT_BASE)"
done
CHAT=/v1/chat/completions
URL_DIRECT=http://127.0.0.1:$P_FAKE$CHAT
URL_NGINX=http://127.0.0.1:$P_NGINX$CHAT
URL_RELAY=http://127.0.0.1:$P_RELAY$CHAT
URL_MOD=http://127.0.0.1:$P_MOD$CHAT
URL_STREAMS=http://127.0.0.1:$P_STREAMS$CHAT
URL_BARE=http://127.0.0.1:$P_BARE$CHAT
URL_PAIRED=http://127.0.0.1:$P_PAIRED$CHAT
URL_MOD0=http://127.0.0.1:$P_MOD0$CHAT
URL_UNMOD=http://127.0.0.1:$P_UNMOD$CHAT
URL_NGINX1=http://127.0.0.1:$P_NGINX1$CHAT
URL_STREAMS_H2=http://127.0.0.1:$P_STREAMS_H2$CHAT
url_of() {
  case $1 in direct) echo "$URL_DIRECT" ;; nginx) echo "$URL_NGINX" ;; bare) echo "$URL_BARE" ;;
    bare-paired) echo "$URL_PAIRED" ;; modrelay) echo "$URL_RELAY" ;; esac
}

tool() { java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" "$@"; }
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | awk -F= 'NR == 1 { print $2 }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
median() { # the middle of its arguments (the lower middle of an even count)
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now_ms() { date +%s%3N; }
wait_ready() { # url, pid, name, launch time in ms; prints the milliseconds from launch to the first 200
  local i
  for i in $(seq 1 3000); do
    kill -0 "$2" 2>/dev/null || { tail -20 "$WORK/$3.log" >&2; die "$3 exited while starting"; }
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1") == 200 ]]; then echo $(( $(now_ms) - $4 )); return 0; fi
    sleep 0.02
  done
  die "$3 did not answer $1 within 60 s"
}
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }

if [[ -n ${BENCH_SOURCE:-} ]]; then
  SOURCE_NOTE=$BENCH_SOURCE
elif git -C "$ROOT" rev-parse --short HEAD >/dev/null 2>&1; then
  SOURCE_NOTE="commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', work tree with uncommitted changes')"
else
  SOURCE_NOTE="unknown (not a git checkout)"
fi
START_LOAD=$(load_avg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "work dir $WORK; load average $START_LOAD"

# ---------------------------------------------------------------- start everything
start_bg fake java $FAKE_JAVA_OPTS $SLOW_START -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE" 0; PID_FAKE=$BG_PID
start_bg tms java $TOOL_JAVA_OPTS $SLOW_START -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeTms "$P_TMS" "$TMS_LATENCY_MS"; PID_TMS=$BG_PID

if [[ -z $ONLY ]]; then
mkdir -p "$WORK/nginx-tmp"
sed -e "s|@WORK@|$WORK|g" -e "s|@NGINX_PORT@|$P_NGINX|g" -e "s|@UPSTREAM_PORT@|$P_FAKE|g" \
  "$ROOT/load-tests/bench/nginx.conf.template" >"$WORK/nginx.conf"
start_bg nginx "$NGINX" -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf"; PID_NGINX=$BG_PID
start_bg bare java $BARE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.BareProxy "$P_BARE" "$P_FAKE" pool; PID_BARE=$BG_PID
start_bg bare-paired java $BARE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.BareProxy "$P_PAIRED" "$P_FAKE" paired; PID_PAIRED=$BG_PID
else
  PID_NGINX= PID_BARE= PID_PAIRED=
fi

# Every stream comes from 127.0.0.1: the per-address connection cap must not count them.
relay_env=(HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:$P_FAKE ACCESS_LOG_LEVEL=OFF UPSTREAM_MAX_CONNECTIONS=10000 MAX_CONNECTIONS_PER_IP=100000)
start_relay() { # name, port, extra env...; sets BG_PID
  local name=$1 port=$2; shift 2
  start_bg "$name" env "${relay_env[@]}" PORT="$port" "$@" java $RELAY_JAVA_OPTS $SLOW_START -jar "$RELAY_JAR"
}
start_relay relay "$P_RELAY"; PID_RELAY=$BG_PID
# Step 4's unmoderated side is a process of its own, started with the moderated ones and idle like them until
# step 4: the relay of steps 1-2 has served millions of requests by then, and a JVM that much further in its
# JIT history delivered the same streams 5-9 ms sooner (1.053 vs 1.047 for the same build), which timed
# warm-up, not moderation. With ONLY=moderation the relay above is that process.
if [[ -z $ONLY ]]; then
  start_relay relay-step4 "$P_UNMOD"; PID_UNMOD=$BG_PID
else
  P_UNMOD=$P_RELAY; URL_UNMOD=$URL_RELAY; PID_UNMOD=$PID_RELAY
fi
TMS_ENV=(TENCENT_CLOUD_ENDPOINT=http://127.0.0.1:$P_TMS)
TMS_ENV+=("TENCENT_CLOUD_SID=$(tool modrelay.loadtests.bench.FakeTmsCredentials id)")
TMS_ENV+=("TENCENT_CLOUD_SKEY=$(tool modrelay.loadtests.bench.FakeTmsCredentials key)")
start_relay relay-moderated "$P_MOD" "${TMS_ENV[@]}"; PID_MOD=$BG_PID
start_relay relay-moderated-ctx0 "$P_MOD0" "${TMS_ENV[@]}" MODERATION_CONTEXT_CHARS=0; PID_MOD0=$BG_PID

wait_http "http://127.0.0.1:$P_FAKE/v1/models" "$PID_FAKE" fake
[[ -n $ONLY ]] || wait_http "http://127.0.0.1:$P_NGINX/v1/models" "$PID_NGINX" nginx
wait_http "http://127.0.0.1:$P_RELAY/healthz" "$PID_RELAY" relay
wait_http "http://127.0.0.1:$P_UNMOD/healthz" "$PID_UNMOD" relay-step4
wait_http "http://127.0.0.1:$P_MOD/healthz" "$PID_MOD" relay-moderated
wait_http "http://127.0.0.1:$P_MOD0/healthz" "$PID_MOD0" relay-moderated-ctx0
if [[ -z $ONLY ]]; then
  wait_http "http://127.0.0.1:$P_BARE/readyz" "$PID_BARE" bare
  wait_http "http://127.0.0.1:$P_PAIRED/v1/models" "$PID_PAIRED" bare-paired
fi
for i in $(seq 1 40); do port_free "$P_TMS" || break; sleep 0.25; done

BODY='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"say:ok."}]}'
CHECK_URLS=("$URL_DIRECT" "$URL_RELAY" "$URL_UNMOD")
[[ -n $ONLY ]] || CHECK_URLS+=("$URL_NGINX" "$URL_BARE" "$URL_PAIRED")
for u in "${CHECK_URLS[@]}"; do
  reply=$(curl -s --max-time 5 -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' -d "$BODY" "$u")
  grep -q '"content":"ok."' <<<"$reply" || die "unexpected reply from $u: $reply"
done
log "all started: fake :$P_FAKE, TMS :$P_TMS, nginx :$P_NGINX, bare :$P_BARE, bare-paired :$P_PAIRED, modrelay :$P_RELAY, step 4 unmoderated :$P_UNMOD, moderated :$P_MOD, moderated ctx 0 :$P_MOD0"

if [[ -z $ONLY ]]; then
# ---------------------------------------------------------------- 1. max requests/s
declare -A READY_MS COLD_RSS PEER_OUT
LUA=$ROOT/load-tests/bench/chat-post.lua
log "warm-up: wrk ${WARM_SECONDS}s on each target"
THR_TARGETS=(direct nginx bare bare-paired modrelay)
for t in modrelay bare bare-paired nginx direct; do
  wrk "${WRK_ARGS[@]}" -d"${WARM_SECONDS}s" -s "$LUA" "$(url_of $t)" >/dev/null
done
declare -A RPS P50 P99 ERR
for t in "${THR_TARGETS[@]}"; do RPS[$t]=0; done
for round in $(seq 1 "$WRK_ROUNDS"); do
  for t in "${THR_TARGETS[@]}"; do
    u=$(url_of $t)
    sleep 1
    line=$(wrk "${WRK_ARGS[@]}" -d"${WRK_SECONDS}s" -s "$LUA" "$u" | grep '^WRK ')
    log "throughput round $round $t: $line"
    rps=$(kv "$line" rps)
    if awk "BEGIN { exit !($rps > ${RPS[$t]}) }"; then
      RPS[$t]=$rps; P50[$t]=$(kv "$line" p50_ms); P99[$t]=$(kv "$line" p99_ms)
      ERR[$t]=$(( $(kv "$line" socket_errors) + $(kv "$line" non_2xx) ))
    fi
  done
done

# ---------------------------------------------------------------- 2. latency at a fixed rate
# Single runs moved by several ms of p99 on this machine: three interleaved runs, the median reported.
LAT_TARGETS=(direct nginx bare modrelay)
declare -A LAT
for run in $(seq 1 "$PROBE_RUNS"); do
  for t in "${LAT_TARGETS[@]}"; do
    line=$(timeout 120 java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.FixedRateProbe --url "$(url_of $t)" --rate "$PROBE_RATE" \
      --duration-s "$PROBE_SECONDS" --warmup-s "$PROBE_WARMUP" --connections 64 --label "$t" | grep '^RESULT ')
    log "latency run $run $t: $line"
    LAT[$t,$run]=$line
  done
done

fi # steps 1 and 2

# ---------------------------------------------------------------- 4. moderated vs unmoderated
# (before the stream levels; interleaved to share the machine's noise)
log "moderation: warm-up"
first_chars=${#FIRST_SENTENCE}
hold() { # url, moderation flag, streams, concurrency, label
  timeout 180 java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.StreamHolder --url "$1" --moderation "$2" \
    --streams "$3" --concurrency "$4" --text "$MOD_TEXT" --token-interval-ms "$MOD_TOKEN_MS" --mark-chars "$first_chars" \
    --timeout-s 150 --label "$5"
}
# Every relay of this step and the fake TMS serve MOD_WARM_STREAMS streams first (5 moderator calls each on
# the moderated ones): the three have served nothing yet, and a JVM's HTTP stacks answer a call several ms
# slower until the JIT has compiled them (measured: the fake TMS alone, cold, added 2-5 ms to each call's
# answer), which would time the fake's warm-up, not moderation.
hold "$URL_UNMOD" absent "$MOD_WARM_STREAMS" "$MOD_WARM_CONCURRENCY" warm-unmoderated >/dev/null
hold "$URL_MOD" true "$MOD_WARM_STREAMS" "$MOD_WARM_CONCURRENCY" warm-moderated >/dev/null
hold "$URL_MOD0" true "$MOD_WARM_STREAMS" "$MOD_WARM_CONCURRENCY" warm-moderated-ctx0 >/dev/null
# The floor is one moderator call as the moderated relay itself timed it in this round (its
# modrelay_moderation_duration_seconds, from /metrics before and after the round): the fake's configured
# latency plus what this machine's HTTP stacks add on both ends, on the relay's kept-alive connections.
moderator_calls() { # port -> "seconds_sum calls" of the relay's moderator calls so far
  curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | awk '
    /^modrelay_moderation_duration_seconds_sum/ { s += $NF } /^modrelay_moderation_duration_seconds_count/ { c += $NF }
    END { printf "%s %s", s + 0, c + 0 }'
}
calls_per_stream() { # "sum count" before, "sum count" after -> moderator calls per stream of the round
  awk -v a="$1" -v b="$2" -v n="$MOD_STREAMS" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", (y[2] - x[2]) / n }'
}
mean_call_ms() { # "sum count" before, "sum count" after -> mean ms per call between them
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); n = y[2] - x[2];
    printf "%.1f", (n > 0 ? (y[1] - x[1]) * 1000 / n : 0) }'
}
# MOD_ROUNDS interleaved rounds; the tables show the round whose default-context ratio is the median.
declare -a ROUND_UN ROUND_ON ROUND_0 ROUND_RATIO ROUND_RTT ROUND_CALLS ROUND_CALLS0 ROUND_SAME ROUND_SAME_RATIO
for round in $(seq 1 "$MOD_ROUNDS"); do
  ROUND_UN[$round]=$(hold "$URL_UNMOD" absent "$MOD_STREAMS" 1 unmoderated)
  # A control: the moderated relay's own process, these streams not moderated (the request's default is off),
  # so that the process's warm-up and history are the same on both sides of its ratio.
  ROUND_SAME[$round]=$(hold "$URL_MOD" absent "$MOD_STREAMS" 1 unmoderated-same-process)
  calls_before=$(moderator_calls "$P_MOD")
  ROUND_ON[$round]=$(hold "$URL_MOD" true "$MOD_STREAMS" 1 moderated)
  calls_after=$(moderator_calls "$P_MOD")
  ROUND_RTT[$round]=$(mean_call_ms "$calls_before" "$calls_after")
  ROUND_CALLS[$round]=$(calls_per_stream "$calls_before" "$calls_after")
  calls_before=$(moderator_calls "$P_MOD0")
  ROUND_0[$round]=$(hold "$URL_MOD0" true "$MOD_STREAMS" 1 moderated-ctx0)
  ROUND_CALLS0[$round]=$(calls_per_stream "$calls_before" "$(moderator_calls "$P_MOD0")")
  ROUND_RATIO[$round]=$(calc "%.4f" "$(kv "${ROUND_ON[$round]}" total_ms_mean) / $(kv "${ROUND_UN[$round]}" total_ms_mean)")
  ROUND_SAME_RATIO[$round]=$(calc "%.4f" "$(kv "${ROUND_ON[$round]}" total_ms_mean) / $(kv "${ROUND_SAME[$round]}" total_ms_mean)")
  log "moderation round $round: unmoderated $(kv "${ROUND_UN[$round]}" total_ms_mean) ms, moderated $(kv "${ROUND_ON[$round]}" total_ms_mean) ms, ctx 0 $(kv "${ROUND_0[$round]}" total_ms_mean) ms (ratio ${ROUND_RATIO[$round]}), moderator call ${ROUND_RTT[$round]} ms as the relay timed it, ${ROUND_CALLS[$round]} calls per stream (ctx 0: ${ROUND_CALLS0[$round]}); load $(load_avg)"
done
MEDIAN_ROUND=$(for r in $(seq 1 "$MOD_ROUNDS"); do echo "${ROUND_RATIO[$r]} $r"; done | sort -g | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
MOD_UN_OUT=${ROUND_UN[$MEDIAN_ROUND]}; MOD_ON_OUT=${ROUND_ON[$MEDIAN_ROUND]}; MOD_0_OUT=${ROUND_0[$MEDIAN_ROUND]}
log "unmoderated:      $(grep -E '^(RESULT|TIMING|ERRORS)' <<<"$MOD_UN_OUT" | tr '\n' ' ')"
log "moderated:        $(grep -E '^(RESULT|TIMING|ERRORS)' <<<"$MOD_ON_OUT" | tr '\n' ' ')"
log "moderated ctx 0:  $(grep -E '^(RESULT|TIMING|ERRORS)' <<<"$MOD_0_OUT" | tr '\n' ' ')"
TMS_RTT_MS=${ROUND_RTT[$MEDIAN_ROUND]}
TMS_CALLS_NOTE="fake TMS answers ${TMS_LATENCY_MS} ms after a request reaches it"

moderation_section() { # the report's step 4; sets MOD_RATIO_MEAN, MOD_RATIO_P50, MOD0_RATIO_MEAN, FIRST_MOD, FIRST_LIMIT
  echo "## 4. Moderated vs unmoderated streams"
  echo
  echo "$MOD_STREAMS sequential streams through each relay (three processes of their own, started together and idle until this step, so that their JIT histories match), after $MOD_WARM_STREAMS warm-up streams ($MOD_WARM_CONCURRENCY at a time) through each; reply of 5 sentences, 60 tokens, one token every $MOD_TOKEN_MS ms; $TMS_CALLS_NOTE. First text = first non-empty delta; first sentence = when the first ${first_chars} characters had arrived. Context = MODERATION_CONTEXT_CHARS."
  echo
  echo "| relay | ok | total mean ms | total p50 ms | first text mean ms | first text p50 ms | first sentence p50 ms | total / unmoderated (mean) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for which in unmoderated "moderated, context 100 (default)" "moderated, context 0"; do
    case $which in unmoderated) o=$MOD_UN_OUT ;; *100*) o=$MOD_ON_OUT ;; *) o=$MOD_0_OUT ;; esac
    echo "| $which | $(kv "$o" ok)/$MOD_STREAMS | $(kv "$o" total_ms_mean) | $(kv "$o" total_ms_p50) | $(kv "$o" first_text_ms_mean) | $(kv "$o" first_text_ms_p50) | $(kv "$o" mark_ms_p50) | $(calc "%.3f" "$(kv "$o" total_ms_mean) / $(kv "$MOD_UN_OUT" total_ms_mean)") |"
  done
  MOD_RATIO_MEAN=$(calc "%.3f" "$(kv "$MOD_ON_OUT" total_ms_mean) / $(kv "$MOD_UN_OUT" total_ms_mean)")
  MOD_RATIO_P50=$(calc "%.3f" "$(kv "$MOD_ON_OUT" total_ms_p50) / $(kv "$MOD_UN_OUT" total_ms_p50)")
  MOD0_RATIO_MEAN=$(calc "%.3f" "$(kv "$MOD_0_OUT" total_ms_mean) / $(kv "$MOD_UN_OUT" total_ms_mean)")
  FIRST_LIMIT=$(calc "%.1f" "$(kv "$MOD_UN_OUT" mark_ms_p50) + $TMS_LATENCY_MS")
  FIRST_LIMIT_RTT=$(calc "%.1f" "$(kv "$MOD_UN_OUT" mark_ms_p50) + $TMS_RTT_MS")
  MOD_RATIO_FLOOR=$(calc "%.3f" "($(kv "$MOD_UN_OUT" total_ms_mean) + $TMS_RTT_MS) / $(kv "$MOD_UN_OUT" total_ms_mean)")
  MOD_RATIO_MEDIAN=$(calc "%.3f" "$(median "${ROUND_RATIO[@]}")")
  FIRST_MOD=$(kv "$MOD_ON_OUT" first_text_ms_p50)
  echo
  echo "Total time moderated / unmoderated: default context mean **$MOD_RATIO_MEAN**, median **$MOD_RATIO_P50**; context 0 mean **$MOD0_RATIO_MEAN** (goal ≤ 1.05)." \
       "First text p50: default context $FIRST_MOD ms, context 0 $(kv "$MOD_0_OUT" first_text_ms_p50) ms, vs first-sentence time + the fake TMS latency ($TMS_LATENCY_MS ms) = $FIRST_LIMIT ms."
  echo
  echo "One moderator call as the moderated relay timed it in that round (mean of its modrelay_moderation_duration_seconds over the round): **$TMS_RTT_MS ms** (the fake answers $TMS_LATENCY_MS ms after a request reaches it; the rest is this machine's HTTP stacks on both ends). The last sentence cannot be released before one call after the last token, so the floor of the ratio in this run is (unmoderated mean + call) / unmoderated mean = **$MOD_RATIO_FLOOR**; first-sentence time + one call = $FIRST_LIMIT_RTT ms."
  echo
  if (( MOD_ROUNDS > 1 )); then
    echo "$MOD_ROUNDS interleaved rounds (the tables above show round $MEDIAN_ROUND, the median); total mean ms per round:"
    echo
    echo "| round | unmoderated | moderated, context 100 | moderated, context 0 | moderated / unmoderated | context 0 / unmoderated | moderator call ms | calls per stream, context 100 / 0 | floor | unmoderated through the moderated relay's process | moderated / that |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for r in $(seq 1 "$MOD_ROUNDS"); do
      echo "| $r | $(kv "${ROUND_UN[$r]}" total_ms_mean) | $(kv "${ROUND_ON[$r]}" total_ms_mean) | $(kv "${ROUND_0[$r]}" total_ms_mean) | $(calc "%.3f" "${ROUND_RATIO[$r]}") | $(calc "%.3f" "$(kv "${ROUND_0[$r]}" total_ms_mean) / $(kv "${ROUND_UN[$r]}" total_ms_mean)") | ${ROUND_RTT[$r]} | ${ROUND_CALLS[$r]} / ${ROUND_CALLS0[$r]} | $(calc "%.3f" "($(kv "${ROUND_UN[$r]}" total_ms_mean) + ${ROUND_RTT[$r]}) / $(kv "${ROUND_UN[$r]}" total_ms_mean)") | $(kv "${ROUND_SAME[$r]}" total_ms_mean) | $(calc "%.3f" "${ROUND_SAME_RATIO[$r]}") |"
    done
    echo
    echo "Median ratio over the rounds: **$MOD_RATIO_MEDIAN** (goal ≤ 1.05). The last two columns are a control: the same moderated relay process serving the same streams unmoderated (no moderation flag), interleaved in each round; its median ratio: $(calc "%.3f" "$(median "${ROUND_SAME_RATIO[@]}")")."
    echo
  fi
}

if [[ $ONLY == moderation ]]; then
  mkdir -p "$RESULTS_DIR"
  REPORT=$RESULTS_DIR/bench-moderation-$(date -u +%Y-%m-%d-%H%M).md
  {
    echo "# modrelay benchmark, step 4 only (ONLY=moderation), $STARTED"
    echo
    echo "Machine: $(nproc) CPUs, openjdk $(java -version 2>&1 | awk -F'\"' 'NR == 1 { print $2 }'). Load average at start $START_LOAD, at end $(load_avg) (other work on the machine shares its CPUs: read ratios, not absolutes). Source: $SOURCE_NOTE. Relay JVM flags: \`$RELAY_JAVA_OPTS\`."
    echo
    moderation_section
  } >"$REPORT"
  echo
  cat "$REPORT"
  echo
  log "report: $REPORT ($(( SECONDS / 60 )) min $(( SECONDS % 60 )) s)"
  exit 0
fi

# ---------------------------------------------------------------- 3. concurrent streams
log "stopping the relays and proxies of steps 1-4; fresh processes for start-up and the stream levels"
kill -TERM "$PID_RELAY" "$PID_UNMOD" "$PID_MOD" "$PID_MOD0" "$PID_BARE" "$PID_PAIRED" "$PID_NGINX" 2>/dev/null || true
wait "$PID_RELAY" "$PID_UNMOD" "$PID_MOD" "$PID_MOD0" "$PID_BARE" "$PID_PAIRED" "$PID_NGINX" 2>/dev/null || true
warm_streams() { # url: 500 short streams, so that memory is measured after the JIT and the pools settled
  timeout 120 java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.StreamHolder --url "$1" --streams 500 \
    --open-rate 1000 --text "Warm up the streaming path, please." --token-interval-ms 50 --timeout-s 60 --label warm-up >/dev/null
}
stream_interval() { # streams: every stream must still be open when the last one opens; the relay accepts a few
  # hundred new streams per second on a busy 2-CPU machine, so bigger levels get slower replies (20 tokens each).
  local i=$(( ($1 / STREAM_ACCEPT_PER_S + 10) * 1000 / 20 ))
  (( i < STREAM_TOKENS_MS )) && i=$STREAM_TOKENS_MS
  echo "$i"
}
hold_streams() { # url, streams, pid to sample, label
  timeout 240 java $TOOL_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.StreamHolder --url "$1" \
    --streams "$2" --open-rate "$STREAM_OPEN_RATE" --text "$STREAM_TEXT" --token-interval-ms "$(stream_interval "$2")" \
    --timeout-s 200 --sample-pid "$3" --histogram "$WORK/histogram-$4" --label "$4"
}
# 5. start-up, measured on processes started alone (the fake and the TMS idle)
sleep 2
t0=$(now_ms); start_relay relay-streams "$P_STREAMS"; PID_STREAMS=$BG_PID
READY_MS[modrelay]=$(wait_ready "http://127.0.0.1:$P_STREAMS/readyz" "$PID_STREAMS" relay-streams "$t0")
sleep 3; COLD_RSS[modrelay]=$(rss_kb "$PID_STREAMS")
log "modrelay ready after ${READY_MS[modrelay]} ms, RSS ${COLD_RSS[modrelay]} kB"
log "stream warm-up (500 short streams)"
warm_streams "$URL_STREAMS"
declare -A ST INTERVAL
for n in "${STREAM_LEVELS[@]}"; do
  sleep 2
  INTERVAL[$n]=$(stream_interval "$n")
  out=$(hold_streams "$URL_STREAMS" "$n" "$PID_STREAMS" "$n")
  log "streams $n (a token every ${INTERVAL[$n]} ms): $(grep -E '^(RESULT|MEMORY|ERRORS)' <<<"$out" | tr '\n' ' ')"
  ST[$n]=$out
  kill -0 "$PID_STREAMS" 2>/dev/null || die "the relay died during $n streams (see $WORK/relay-streams.log)"
done
kill -TERM "$PID_STREAMS" 2>/dev/null || true; wait "$PID_STREAMS" 2>/dev/null || true

# the same number of streams through a fresh bare Akka proxy and a one-worker nginx
sleep 2
t0=$(now_ms); start_bg bare-streams java $BARE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.bench.BareProxy "$P_BARE" "$P_FAKE" pool; PID_BS=$BG_PID
READY_MS[bare]=$(wait_ready "http://127.0.0.1:$P_BARE/readyz" "$PID_BS" bare-streams "$t0")
sleep 3; COLD_RSS[bare]=$(rss_kb "$PID_BS")
log "bare proxy ready after ${READY_MS[bare]} ms, RSS ${COLD_RSS[bare]} kB"
warm_streams "$URL_BARE"
PEER_OUT[bare]=$(hold_streams "$URL_BARE" "$PEER_STREAMS" "$PID_BS" "bare-$PEER_STREAMS")
log "bare proxy, $PEER_STREAMS streams: $(grep -E '^(RESULT|MEMORY|ERRORS)' <<<"${PEER_OUT[bare]}" | tr '\n' ' ')"
kill -TERM "$PID_BS" 2>/dev/null || true; wait "$PID_BS" 2>/dev/null || true
# the same number of streams through a fresh relay with UPSTREAM_HTTP2=streams, to a fake that speaks h2c
sleep 2
start_bg fake-h2 java $FAKE_JAVA_OPTS -cp "$DEMO_JAR" modrelay.loadtests.fakes.FakeUpstream "$P_FAKE_H2" 0 h2; PID_FAKE_H2=$BG_PID
wait_http "http://127.0.0.1:$P_FAKE_H2/v1/models" "$PID_FAKE_H2" fake-h2
start_relay relay-streams-h2 "$P_STREAMS_H2" UPSTREAM_URL=http://127.0.0.1:$P_FAKE_H2 UPSTREAM_HTTP2=streams; PID_SH2=$BG_PID
wait_http "http://127.0.0.1:$P_STREAMS_H2/readyz" "$PID_SH2" relay-streams-h2
warm_streams "$URL_STREAMS_H2"
PEER_OUT[h2]=$(hold_streams "$URL_STREAMS_H2" "$PEER_STREAMS" "$PID_SH2" "h2-$PEER_STREAMS")
log "modrelay with UPSTREAM_HTTP2=streams, $PEER_STREAMS streams: $(grep -E '^(RESULT|MEMORY|ERRORS)' <<<"${PEER_OUT[h2]}" | tr '\n' ' ')"
kill -TERM "$PID_SH2" "$PID_FAKE_H2" 2>/dev/null || true; wait "$PID_SH2" "$PID_FAKE_H2" 2>/dev/null || true
# one worker holds every client and upstream connection: twice the streams, plus the warm-up's
sed -e 's/^worker_processes .*/worker_processes 1;/' -e 's/worker_connections .*/worker_connections 40000;/' -e "s|$WORK/nginx.pid|$WORK/nginx1.pid|" -e "s|127.0.0.1:$P_NGINX |127.0.0.1:$P_NGINX1 |" \
  "$WORK/nginx.conf" >"$WORK/nginx1.conf"
start_bg nginx1 "$NGINX" -e "$WORK/nginx1-error.log" -p "$WORK" -c "$WORK/nginx1.conf"; PID_NGINX1=$BG_PID
wait_http "http://127.0.0.1:$P_NGINX1/v1/models" "$PID_NGINX1" nginx1
NGINX_WORKER=$(pgrep -P "$PID_NGINX1" | head -1)
warm_streams "$URL_NGINX1"
PEER_OUT[nginx]=$(hold_streams "$URL_NGINX1" "$PEER_STREAMS" "$NGINX_WORKER" "nginx-$PEER_STREAMS")
log "nginx (one worker), $PEER_STREAMS streams: $(grep -E '^(RESULT|MEMORY|ERRORS)' <<<"${PEER_OUT[nginx]}" | tr '\n' ' ')"
END_LOAD=$(load_avg)

# ---------------------------------------------------------------- the report
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y-%m-%d-%H%M)
REPORT=$RESULTS_DIR/bench-$STAMP.md
yes_no() { awk "BEGIN { print ($1) ? \"**met**\" : \"**missed**\" }"; }
# Growth per stream over the process's idle memory before its first level (the heap a level grew stays for the next).
per_stream() { # StreamHolder output, streams[, idle output]: RSS growth per stream in KB
  calc "%.1f" "($(kv "$1" peak_rss_kb) - $(kv "${3:-$1}" idle_rss_kb)) / $2"
}
heap_per_stream() { local h; h=$(kv "$1" open_heap_kb); [[ $h == -1 ]] && { echo "n/a"; return; }; calc "%.1f" "($h - $(kv "${3:-$1}" idle_heap_kb)) / $2"; }
histogram_table() { # label, streams
  local idle=$WORK/histogram-$1-idle.txt open=$WORK/histogram-$1-open.txt
  [[ -s $idle && -s $open ]] || return 0
  echo
  echo "| class | bytes per stream | instances per stream |"
  echo "| --- | ---: | ---: |"
  awk -v n="$2" 'FNR == 1 { file++ } $1 ~ /:$/ && NF >= 4 { if (file == 1) { ib[$4] = $3; ic[$4] = $2 } else { ob[$4] = $3; oc[$4] = $2 } }
    END { for (k in ob) printf "%d\t%s\t%.2f\n", (ob[k] - ib[k]) / n, k, (oc[k] - ic[k]) / n }' "$idle" "$open" |
    sort -rn | awk 'NR <= 12' | awk -F'\t' '{ printf "| `%s` | %d | %s |\n", $2, $1, $3 }'
}
LAST=${STREAM_LEVELS[-1]}
{
  echo "# modrelay benchmark, $STARTED"
  echo
  echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | awk 'NR == 1')." \
       "Load average at start $START_LOAD, at end $END_LOAD (other work on the machine shares its 2 CPUs: read ratios, not absolutes)." \
       "Source: $SOURCE_NOTE."
  echo
  echo "Relay JVM flags: \`$RELAY_JAVA_OPTS\`; env \`${relay_env[*]}\`. Bare Akka HTTP proxy (\`BareProxy\`, same Akka versions, no logic) JVM flags: \`$BARE_JAVA_OPTS\`."
  echo "Upstream: the fake (\`FakeUpstream\`), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') with \`proxy_buffering off\`, HTTP/1.1 keep-alive pool of 64."
  echo
  echo "## 1. Max requests/s, tiny non-streaming chat completion"
  echo
  echo "wrk ${WRK_ARGS[*]} -d${WRK_SECONDS}s, POST \`$CHAT\` (\`say:ok.\`), best of $WRK_ROUNDS interleaved rounds after a ${WARM_SECONDS}s warm-up each." \
       "bare = server → \`singleRequest\` host pool → upstream; bare-paired = one upstream connection per client connection, one fused Flow."
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for t in "${THR_TARGETS[@]}"; do
    echo "| $t | ${RPS[$t]} | ${P50[$t]} | ${P99[$t]} | ${ERR[$t]} |"
  done
  THR_RATIO=$(calc "%.2f" "${RPS[modrelay]} / ${RPS[nginx]}")
  BARE_RATIO=$(calc "%.2f" "${RPS[modrelay]} / ${RPS[bare]}")
  echo
  echo "modrelay / nginx = **$THR_RATIO**; modrelay / bare Akka = **$BARE_RATIO** (goal ≥ 1.3); bare / nginx = $(calc "%.2f" "${RPS[bare]} / ${RPS[nginx]}"); bare-paired / bare = $(calc "%.2f" "${RPS[bare-paired]} / ${RPS[bare]}"); nginx / direct = $(calc "%.2f" "${RPS[nginx]} / ${RPS[direct]}")."
  echo
  echo "## 2. Latency at a fixed $PROBE_RATE req/s (open model), $PROBE_RUNS interleaved runs"
  echo
  echo "FixedRateProbe: requests scheduled every $((1000000 / PROBE_RATE)) µs over 64 keep-alive connections for ${PROBE_SECONDS}s after ${PROBE_WARMUP}s of warm-up; latency from each request's intended start (coordinated omission counted). Added p99 = p99 of the target − p99 of direct in the same run; the median of the runs is what counts."
  echo
  echo "| run | target | ok | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | added p99 ms |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  declare -A ADDED
  for run in $(seq 1 "$PROBE_RUNS"); do
    for t in "${LAT_TARGETS[@]}"; do
      l=${LAT[$t,$run]}
      added=$(calc "%.3f" "$(kv "$l" latency_ms_p99) - $(kv "${LAT[direct,$run]}" latency_ms_p99)")
      ADDED[$t]="${ADDED[$t]:-} $added"
      echo "| $run | $t | $(kv "$l" ok) | $(kv "$l" errors) | $(kv "$l" latency_ms_p50) | $(kv "$l" latency_ms_p90) | $(kv "$l" latency_ms_p99) | $(kv "$l" latency_ms_p999) | $(kv "$l" latency_ms_max) | $added |"
    done
  done
  P99_OF() { local t=$1 run v=(); for run in $(seq 1 "$PROBE_RUNS"); do v+=("$(kv "${LAT[$t,$run]}" latency_ms_p99)"); done; median "${v[@]}"; }
  ADDED_P99=$(median ${ADDED[modrelay]})
  echo
  echo "Median p99: direct $(P99_OF direct) ms, nginx $(P99_OF nginx) ms, bare $(P99_OF bare) ms, modrelay $(P99_OF modrelay) ms." \
       "Median added p99 over direct: modrelay **$ADDED_P99 ms** (goal ≤ 1 ms), bare Akka $(median ${ADDED[bare]}) ms, nginx $(median ${ADDED[nginx]}) ms."
  echo
  echo "## 3. Concurrent SSE streams held open"
  echo
  echo "StreamHolder: one connection per stream, opened at up to ${STREAM_OPEN_RATE}/s; each reply is 20 tokens, paced so that all streams are open together (a token every $(for n in "${STREAM_LEVELS[@]}"; do printf '%s ms at %s, ' "${INTERVAL[$n]}" "$n"; done | sed 's/, $//')); every stream's concatenated deltas must equal the expected text and end with \`[DONE]\`. Each process fresh, warmed with 500 short streams; idle = before the process's first level. Heap = live heap after a full GC (\`jcmd GC.run\` + \`GC.heap_info\`) taken once all streams were open; RSS = peak VmRSS during the level (nginx: its one worker process)."
  echo
  echo "| through | streams | ok | errors | all open at once | RSS idle → peak MB | live heap idle → open MB | RSS per stream KB | heap per stream KB |"
  echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
  row() { # label, output, streams[, idle output]
    local o=$2 n=$3 i=${4:-$2} heap
    heap=$(kv "$o" open_heap_kb)
    echo "| $1 | $n | $(kv "$o" ok) | $(kv "$o" errors) | $(kv "$o" all_open) (max $(kv "$o" max_open)) | $(calc "%.0f → %.0f" "$(kv "$i" idle_rss_kb)/1024, $(kv "$o" peak_rss_kb)/1024") | $([[ $heap == -1 ]] && echo n/a || calc "%.0f → %.0f" "$(kv "$i" idle_heap_kb)/1024, $heap/1024") | $(per_stream "$o" "$n" "$i") | $(heap_per_stream "$o" "$n" "$i") |"
  }
  FIRST_OUT=${ST[${STREAM_LEVELS[0]}]}
  for n in "${STREAM_LEVELS[@]}"; do row modrelay "${ST[$n]}" "$n" "$FIRST_OUT"; done
  row "modrelay, \`UPSTREAM_HTTP2=streams\` (fresh process)" "${PEER_OUT[h2]}" "$PEER_STREAMS"
  row "bare Akka" "${PEER_OUT[bare]}" "$PEER_STREAMS"
  row "nginx (1 worker)" "${PEER_OUT[nginx]}" "$PEER_STREAMS"
  for n in "${STREAM_LEVELS[@]}"; do
    e=$(grep '^ERRORS' <<<"${ST[$n]}" | sed 's/^ERRORS *//')
    [[ -n $e ]] && echo && echo "Errors at $n streams: $e"
  done
  LAST_OK=$(kv "${ST[$LAST]}" ok)
  LAST_RSS_PER=$(per_stream "${ST[$LAST]}" "$LAST" "$FIRST_OUT")
  BARE_RSS_PER=$(per_stream "${PEER_OUT[bare]}" "$PEER_STREAMS")
  NGINX_RSS_PER=$(per_stream "${PEER_OUT[nginx]}" "$PEER_STREAMS")
  H2_RSS_PER=$(per_stream "${PEER_OUT[h2]}" "$PEER_STREAMS")
  echo
  echo "RSS per stream at $LAST: modrelay / bare Akka = **$(calc "%.2f" "$LAST_RSS_PER / $BARE_RSS_PER")**, modrelay / nginx = **$(calc "%.2f" "$LAST_RSS_PER / $NGINX_RSS_PER")**."
  echo
  echo "Largest live-heap growth by class at $LAST streams through modrelay (\`jcmd GC.class_histogram\`, open − idle, per stream):"
  histogram_table "$LAST" "$LAST"
  echo
  echo "The same through the bare Akka proxy:"
  histogram_table "bare-$PEER_STREAMS" "$PEER_STREAMS"
  echo
  moderation_section
  echo "## 5. Start-up and idle memory"
  echo
  echo "A fresh process started alone (the fake and the TMS idle): milliseconds from launch to the first 200 from \`/readyz\` (polled every 20 ms), RSS 3 s later, and idle RSS after 500 short streams."
  echo
  echo "| process | to /readyz ms | RSS after start MB | idle RSS after warm-up MB |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| modrelay | ${READY_MS[modrelay]} | $(calc "%.0f" "${COLD_RSS[modrelay]}/1024") | $(calc "%.0f" "$(kv "${ST[${STREAM_LEVELS[0]}]}" idle_rss_kb)/1024") |"
  echo "| bare Akka | ${READY_MS[bare]} | $(calc "%.0f" "${COLD_RSS[bare]}/1024") | $(calc "%.0f" "$(kv "${PEER_OUT[bare]}" idle_rss_kb)/1024") |"
  echo
  echo "## Goals (issue 16, ratios from this run)"
  echo
  echo "| goal | measured | |"
  echo "| --- | --- | --- |"
  echo "| small requests ≥ 1.3 × bare Akka HTTP | $BARE_RATIO × (nginx: $THR_RATIO ×) | $(yes_no "$BARE_RATIO >= 1.3") |"
  echo "| added p99 at $PROBE_RATE req/s ≤ 1 ms over direct (median of $PROBE_RUNS) | $ADDED_P99 ms | $(yes_no "$ADDED_P99 <= 1") |"
  echo "| $LAST concurrent streams, no errors, every text complete | $LAST_OK / $LAST ok | $(yes_no "$LAST_OK == $LAST") |"
  echo "| ≤ 60 KB RSS per stream at $LAST | $LAST_RSS_PER KB (bare Akka $BARE_RSS_PER, nginx $NGINX_RSS_PER) | $(yes_no "$LAST_RSS_PER <= 60") |"
  echo "| ≤ 60 KB RSS per stream at $PEER_STREAMS, \`UPSTREAM_HTTP2=streams\` | $H2_RSS_PER KB, $(kv "${PEER_OUT[h2]}" ok) of $PEER_STREAMS complete | $(yes_no "$H2_RSS_PER <= 60") |"
  echo "| moderated / unmoderated completion ≤ 1.05 | $MOD_RATIO_MEAN (mean), $MOD_RATIO_P50 (median); context 0: $MOD0_RATIO_MEAN | $(yes_no "$MOD_RATIO_MEAN <= 1.05") |"
  echo "| moderated first text ≤ first sentence + the fake TMS latency | $FIRST_MOD ms vs $FIRST_LIMIT ms | $(yes_no "$FIRST_MOD <= $FIRST_LIMIT") |"
} >"$REPORT"
[[ $QUICK == 1 ]] || cp "$REPORT" "$RESULTS_DIR/latest.md"
echo
cat "$REPORT"
echo
log "report: $REPORT ($(( SECONDS / 60 )) min $(( SECONDS % 60 )) s)"
