#!/usr/bin/env bash
# Usage: jfr-top.sh <recording.jfr> [frames=1] [n=25]
# Counts CPU samples (jdk.ExecutionSample) by their top <frames> stack frames; prints the n most frequent.
set -euo pipefail
jfr_file=$1; depth=${2:-1}; n=${3:-25}
jfr print --events jdk.ExecutionSample "$jfr_file" | awk -v depth="$depth" '
  /stackTrace = \[/ { inside = 1; k = 0; key = ""; next }
  inside && /^[[:space:]]*\]/ { if (key != "") count[key]++; total++; inside = 0; next }
  inside && k < depth {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line)
    key = (k == 0) ? line : key " <- " line; k++
  }
  END {
    for (f in count) printf "%6d %5.1f%% %s\n", count[f], 100 * count[f] / total, f
    printf "%6d total samples\n", total > "/dev/stderr"
  }' | sort -rn | head -n "$n"
