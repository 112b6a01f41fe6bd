#!/usr/bin/env bash
# Cold start of the relay jar: time from `java -jar` to the first 200 from /readyz, several runs.
# Usage: load-tests/coldstart.sh [runs] [jar]   (defaults: 5, relay/target/modrelay.jar)
# Polls /readyz every 20 ms (this is a measurement, not a test). Prints one line per run and the median.
set -euo pipefail
runs=${1:-5}
jar=${2:-relay/target/modrelay.jar}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
times=()
for i in $(seq 1 "$runs"); do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start=$(date +%s%N)
  PORT=$port HOST=127.0.0.1 UPSTREAM_URL=http://127.0.0.1:9 DATA_DIR="$data/$i" LOG_DIR="$data/logs" \
    java ${JAVA_OPTS:-} -jar "$jar" > "$data/out-$i.log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "run $i: the relay exited"; cat "$data/out-$i.log"; exit 1; fi
    sleep 0.02
  done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms to /readyz"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median: ${sorted[$(( ${#sorted[@]} / 2 ))]} ms of ${#sorted[@]} runs (min ${sorted[0]}, max ${sorted[-1]}); load: $(cut -d' ' -f1-3 /proc/loadavg)"
