#!/usr/bin/env bash
# Usage: jfr-inclusive.sh <recording.jfr> [grep-regex=.] [n=30]
# Inclusive CPU profile: for each method, the share of jdk.ExecutionSample stacks (64 frames deep)
# that contain it at least once. Optionally only methods matching the regex.
set -euo pipefail
jfr_file=$1; pattern=${2:-.}; n=${3:-30}
jfr print --stack-depth 64 --events jdk.ExecutionSample "$jfr_file" | awk -v pat="$pattern" '
  /stackTrace = \[/ { inside = 1; delete seen; next }
  inside && /^[[:space:]]*\]/ { inside = 0; total++; next }
  inside {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line)
    if (line ~ pat && !(line in seen)) { seen[line] = 1; count[line]++ }
  }
  END {
    for (f in count) printf "%6d %5.1f%% %s\n", count[f], 100 * count[f] / total, f
    printf "%6d total samples\n", total > "/dev/stderr"
  }' | sort -rn | head -n "$n"
