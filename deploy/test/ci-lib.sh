# Sourced by the deploy checks: small helpers shared by them.

# Installs the Debian packages whose commands are missing (idempotent: nothing to do on a second run).
ci_install() {
  local missing=()
  for tool in "$@"; do
    case "$tool" in
      podman) command -v podman >/dev/null 2>&1 || missing+=(podman) ;;
      runc) command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc) ;;
      debootstrap) command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap) ;;
      node) command -v node >/dev/null 2>&1 || missing+=(nodejs) ;;
      ss) command -v ss >/dev/null 2>&1 || missing+=(iproute2) ;;
      *) command -v "$tool" >/dev/null 2>&1 || missing+=("$tool") ;;
    esac
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} (apt)"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Polls (a shell has no signal to await) until "$@" succeeds or the deadline passes.
await() {
  local seconds="$1"; shift
  local until=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$until" ] || return 1
    sleep 0.1
  done
}

# A TCP port nothing listens on now.
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 20000 ))
    [ -n "$(ss -Hltn "sport = :$p")" ] || { echo "$p"; return; }
  done
}

# Seconds since a `date +%s.%N` stamp, one decimal.
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
