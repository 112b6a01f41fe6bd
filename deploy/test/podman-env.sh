# Sourced by the container scripts: Debian's podman set up the way it works on this machine kind
# (runc as the runtime, no default ulimits, host networking), installed when missing (idempotent).
# Defines `pm` (podman with those options) and MODRELAY_CI_CACHE (base image cache, kept between runs).

# shellcheck source=ci-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/ci-lib.sh"
MODRELAY_CI_CACHE="${MODRELAY_CI_CACHE:-/var/cache/modrelay-ci}"
mkdir -p "$MODRELAY_CI_CACHE"

# Without this, podman asks runc for ulimits this machine kind refuses (the container does not start).
MODRELAY_CONTAINERS_CONF="$MODRELAY_CI_CACHE/containers.conf"
printf '[containers]\ndefault_ulimits = []\n' > "$MODRELAY_CONTAINERS_CONF"
export CONTAINERS_CONF="$MODRELAY_CONTAINERS_CONF"

pm() { podman --runtime runc "$@"; }
