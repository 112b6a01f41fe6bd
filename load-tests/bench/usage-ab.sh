#!/usr/bin/env bash
# Usage: [WARM=20 ROUNDS=8 SECONDS_PER=10 CONNS=64 STREAM_CONNS=16 PIN=0 ON_USAGE=on] load-tests/bench/usage-ab.sh
# (ON_USAGE=off runs the same A/A with both relays off: what the method itself reads as a difference.)
# Usage accounting on vs off, side by side in one run: two relays from the same jar, USAGE=on and USAGE=off,
# both with a SQLite store (ADMIN_TOKEN + DATA_DIR, so the only difference is USAGE), one fake upstream.
# Rows: small non-streaming requests (req/s), moderated streams (keyword moderator; p50 time of a whole
# stream) and unmoderated streams (req/s). Each round measures every row on and off back to back (which goes first
# and which port each role has both alternate, see below), so a busy machine disturbs both alike; the summary is the
# median over rounds of each round's on/off ratio (a fresh pair of relays per round, warmed before it is measured),
# with the load average per round, and the relays' CPU time per request (read from /proc, so it is less disturbed by
# other load on the box than req/s). Use a multiple of 4 rounds so every role/order/port combination counts alike. Needs wrk and the jars
# (./mvnw -B -q package -DskipTests). Ports 19411-19413.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/usage-common.sh"
JAR=${JAR:-$ROOT/relay/target/modrelay.jar}
# PIN=1: the relays share CPU 1, the fake and wrk CPU 0 (only one relay is measured at a time). Off by default: on
# this 2-CPU box a relay pinned to one core shares it with its own JIT compiler and ran at a quarter of its unpinned
# req/s after a 10 s warm-up, which measures warm-up, not usage.
if [ "${PIN:-0}" = 1 ]; then ON_CPU="taskset -c 1"; TOOL_CPU="taskset -c 0"; else ON_CPU=""; TOOL_CPU=""; fi
start_fake "$TOOL_CPU"
# Each round starts a fresh pair of relays: two JVMs of the same jar differ by several percent for as long as they
# run (JIT decisions; an A/A run of two USAGE=off relays kept in one pair measured 0.93), so a pair kept for the whole
# run measures that pair's luck. Fresh pairs per round make the median about usage, not about one JVM's compiles.
# Roles swap every round: odd rounds run the measured relay (USAGE=on) on 19412, started and warmed first; even rounds
# on 19413, started and warmed second. A fixed role read 0.93 between two identical relays in an A/A run, so a port,
# a start order or a warm-up order that favours one JVM must favour each role equally often.
start_relays() { # round
  if [ $(($1 % 2)) = 1 ]; then ON_PORT=19412; OFF_PORT=19413; else ON_PORT=19413; OFF_PORT=19412; fi
  for p in $ON_PORT $OFF_PORT; do
    [ $p = $ON_PORT ] && u=${ON_USAGE:-on} d=on || u=off d=off
    [ $(($1 % 2)) = 0 ] && [ $p = $ON_PORT ] && sleep 1 # even rounds: the off relay starts first
    env $COMMON PORT=$p USAGE=$u DATA_DIR="$WORK/$d" $ON_CPU java $JOPTS -jar "$JAR" >"$WORK/$d-$1.log" 2>&1 &
    [ $p = $ON_PORT ] && ON=$! || OFF=$!
  done
  for p in 19412/healthz 19413/healthz; do
    for i in $(seq 1 120); do curl -sf http://127.0.0.1:$p >/dev/null && break; sleep 0.5; done
  done
  check_rows 19412 19413
}
stop_relays() { # waits until both are gone, so the next pair can bind the ports
  kill $ON $OFF 2>/dev/null; wait $ON $OFF 2>/dev/null; ON=""; OFF=""
}
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$1/stat; } # the process's user + system CPU, in clock ticks
run() { # port lua conns seconds: wrk's line plus the relay's CPU time per request (its threads, GC and writer included)
  local pid=$([ $1 = $ON_PORT ] && echo $ON || echo $OFF) before line
  before=$(cpu $pid)
  line=$($TOOL_CPU wrk -t2 -c$3 -d$4s -s "$2" http://127.0.0.1:$1/v1/chat/completions | grep WRK)
  echo "$line" | awk -v t=$(( $(cpu $pid) - before )) -v hz=$TCK '{
    for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { split($i, kv, "="); n = kv[2] }
    printf "%s cpu_us_per_req=%.1f\n", $0, (n > 0 ? t * 1e6 / hz / n : 0) }'
}
OUT="$WORK/rows.txt"
LOADS="$WORK/loads.txt"
for r in $(seq 1 ${ROUNDS:-8}); do
  start_relays $r
  # which role is measured first: on, on, off, off over each 4 rounds, so with the roles' ports swapping every round
  # each role is measured first and second, on either port, equally often (a machine whose load drifts favours neither)
  if [ $(( (r - 1) / 2 % 2 )) = 0 ]; then order="$ON_PORT $OFF_PORT"; else order="$OFF_PORT $ON_PORT"; fi
  for p in $order; do # warm-up: every row on both relays, not measured
    run $p "$SMALL" ${CONNS:-64} ${WARM:-20} >/dev/null
    run $p "$STREAM" ${STREAM_CONNS:-16} ${WARM:-20} >/dev/null
    run $p "$PLAIN" ${STREAM_CONNS:-16} ${WARM:-20} >/dev/null
  done
  for kind in small stream plain; do # each kind measured on and off back to back, so a pair sees the same load
    case $kind in small) lua=$SMALL; c=${CONNS:-64};; stream) lua=$STREAM; c=${STREAM_CONNS:-16};; plain) lua=$PLAIN; c=${STREAM_CONNS:-16};; esac
    for p in $order; do
      name=$([ $p = $ON_PORT ] && echo usage=on || echo usage=off)
      echo "round $r $name $kind (port $p): $(run $p "$lua" $c ${SECONDS_PER:-10})" | tee -a "$OUT"
    done
  done
  cut -d' ' -f1 /proc/loadavg >> "$LOADS"
  [ $r = ${ROUNDS:-8} ] || stop_relays # the last pair stays up for the usage report below
done
field() { # name kind key -> one value per round, in round order
  grep " $1 $2 (" "$OUT" | sed -E "s/.* $3=([0-9.]+).*/\1/"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratios() { # kind key -> median over rounds of on/off (each round's pair measured back to back)
  paste <(field usage=on $1 $2) <(field usage=off $1 $2) | awk '$2 > 0 {printf "%.4f\n", $1 / $2}' | median
}
for name in usage=on usage=off; do
  echo "median $name: small rps=$(field $name small rps | median) cpu_us/req=$(field $name small cpu_us_per_req | median);" \
    "moderated stream p50_ms=$(field $name stream p50_ms | median) rps=$(field $name stream rps | median)" \
    "cpu_us/req=$(field $name stream cpu_us_per_req | median); unmoderated stream rps=$(field $name plain rps | median)" \
    "cpu_us/req=$(field $name plain cpu_us_per_req | median)"
done
echo "median of per-round on/off ratios (1.00 = no cost; goal within 2%):"
echo "  small req/s on/off:              $(ratios small rps)"
echo "  moderated stream p50 time on/off: $(ratios stream p50_ms)   (time: above 1 is slower)"
echo "  moderated stream req/s on/off:   $(ratios stream rps)"
echo "  unmoderated stream req/s on/off: $(ratios plain rps)"
echo "relay CPU per request on/off (less disturbed by other load than req/s; above 1 costs more):"
echo "  small: $(ratios small cpu_us_per_req); moderated stream: $(ratios stream cpu_us_per_req); unmoderated stream: $(ratios plain cpu_us_per_req)"
echo "load average (1 min) per round: $(tr '\n' ' ' < "$LOADS"); now: $(cut -d' ' -f1-3 /proc/loadavg)"
# what the on-relay recorded, to show it counted (the off-relay records nothing)
curl -s -H "Authorization: Bearer bench-admin-token-0123456789" "http://127.0.0.1:$ON_PORT/admin/usage?group_by=model" | head -c 400; echo
