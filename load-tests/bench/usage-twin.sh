#!/usr/bin/env bash
# Usage: [WARM=20 PAIRS=12 SECONDS_PER=5 CONNS=64 STREAM_CONNS=16 JVMS=2] load-tests/bench/usage-twin.sh
# Usage accounting on vs off, side by side in one run, in one JVM: TwinRelays runs two relays of the same settings,
# USAGE=on (port 19412) and USAGE=off (19413), both with a SQLite store, in front of one fake upstream. Two JVMs of
# the same jar read 0.78-1.27 between identical relays in one round (usage-ab.sh's A/A), because each JVM's JIT
# compiles its own way; in one JVM both relays run the same compiled code, so what differs is the work usage adds.
# Rows as in usage-ab.sh: small non-streaming requests (req/s), moderated streams (keyword moderator; p50 time of a
# whole stream), unmoderated streams (req/s), and paced moderated streams (a token every PACE_MS=20 ms, as a model
# sends them: the stream time a user notices). Each pair measures a row on and off back to back, in ABBA order; the
# summary is the median over pairs of each pair's on/off ratio, and the CPU per request of each relay's own threads
# (its actor system's, read from the JVM; GC and JIT are shared and not in it). JVMS fresh JVMs run in turn, PAIRS
# pairs each, and the medians are over all pairs. Needs wrk and the demo jar (./mvnw -B -q package -DskipTests).
# Ports 19411-19414.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/usage-common.sh"
start_fake
thread_cpu() { curl -s http://127.0.0.1:19414/cpu | sed -E "s/.*\"$1\":([0-9]+).*/\1/"; } # on|off, ns
run() { # port lua conns seconds [pace ms]: wrk's line plus the relay's own threads' CPU per request
  local who=$([ $1 = 19412 ] && echo on || echo off) before line
  before=$(thread_cpu $who)
  line=$(env ${5:+PACE_MS=$5} wrk -t2 -c$3 -d$4s -s "$2" http://127.0.0.1:$1/v1/chat/completions | grep WRK)
  echo "$line" | awk -v t=$(( $(thread_cpu $who) - before )) '{
    for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { split($i, kv, "="); n = kv[2] }
    printf "%s cpu_us_per_req=%.1f\n", $0, (n > 0 ? t / 1000 / n : 0) }'
}
OUT="$WORK/rows.txt"
pair=0
for j in $(seq 1 ${JVMS:-2}); do
  env $COMMON DATA_DIR="$WORK/data" java $JOPTS -cp "$DEMO" modrelay.loadtests.bench.TwinRelays >"$WORK/twins-$j.log" 2>&1 & TWINS=$!
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:19414/cpu >/dev/null && break; sleep 0.5; done
  check_rows 19412 19413
  for p in 19412 19413; do # warm-up: every row on both relays, not measured
    run $p "$SMALL" ${CONNS:-64} ${WARM:-20} >/dev/null
    run $p "$STREAM" ${STREAM_CONNS:-16} ${WARM:-20} >/dev/null
    run $p "$PLAIN" ${STREAM_CONNS:-16} ${WARM:-20} >/dev/null
  done
  for k in $(seq 1 ${PAIRS:-12}); do
    pair=$((pair + 1))
    # ABBA: odd pairs on first, even pairs off first, so a drift in load or in the JIT favours neither
    order=$([ $((pair % 2)) = 1 ] && echo "19412 19413" || echo "19413 19412")
    for kind in small stream plain paced; do
      pace=""
      case $kind in small) lua=$SMALL; c=${CONNS:-64};; stream) lua=$STREAM; c=${STREAM_CONNS:-16};; plain) lua=$PLAIN; c=${STREAM_CONNS:-16};;
        paced) lua=$STREAM; c=${STREAM_CONNS:-16}; pace=${PACE_MS:-20};; esac
      for p in $order; do
        name=$([ $p = 19412 ] && echo usage=on || echo usage=off)
        echo "jvm $j pair $pair $name $kind: $(run $p "$lua" $c ${SECONDS_PER:-5} $pace)" | tee -a "$OUT"
      done
    done
  done
  # what the on-relay recorded, to show it counted (the off-relay records nothing)
  curl -s -H "Authorization: Bearer bench-admin-token-0123456789" "http://127.0.0.1:19412/admin/usage?group_by=model" | head -c 300; echo
  kill $TWINS; wait $TWINS 2>/dev/null; TWINS=""
done
field() { # name kind key -> one value per pair, in order
  grep " $1 $2:" "$OUT" | sed -E "s/.* $3=([0-9.]+).*/\1/"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratios() { # kind key -> median over pairs of on/off
  paste <(field usage=on $1 $2) <(field usage=off $1 $2) | awk '$2 > 0 {printf "%.4f\n", $1 / $2}' | median
}
for name in usage=on usage=off; do
  echo "median $name: small rps=$(field $name small rps | median) cpu_us/req=$(field $name small cpu_us_per_req | median);" \
    "moderated stream p50_ms=$(field $name stream p50_ms | median) rps=$(field $name stream rps | median)" \
    "cpu_us/req=$(field $name stream cpu_us_per_req | median); unmoderated stream rps=$(field $name plain rps | median)" \
    "cpu_us/req=$(field $name plain cpu_us_per_req | median)"
done
echo "paced moderated stream p50 ms: on $(field usage=on paced p50_ms | median), off $(field usage=off paced p50_ms | median)"
echo "median of per-pair on/off ratios over $pair pairs in ${JVMS:-2} JVMs (1.00 = no cost; goal within 2%):"
echo "  small req/s on/off:               $(ratios small rps)"
echo "  moderated stream p50 time on/off: $(ratios stream p50_ms)   (time: above 1 is slower)"
echo "  moderated stream req/s on/off:    $(ratios stream rps)"
echo "  unmoderated stream req/s on/off:  $(ratios plain rps)"
echo "  paced moderated stream p50 time on/off (a token every ${PACE_MS:-20} ms): $(ratios paced p50_ms)"
echo "relay threads' CPU per request on/off (above 1 costs more; GC and JIT are shared, not in it):"
echo "  small: $(ratios small cpu_us_per_req); moderated stream: $(ratios stream cpu_us_per_req); unmoderated stream: $(ratios plain cpu_us_per_req); paced: $(ratios paced cpu_us_per_req)"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
