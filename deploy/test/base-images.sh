#!/usr/bin/env bash
# Builds the Dockerfile's base images locally when no image registry is reachable: Debian bookworm from
# debootstrap plus Debian's OpenJDK 17 (JRE for the run stage, JDK for the build stage), trusting the host's
# extra CAs (the network here presents certificates they sign), tagged with the public names the Dockerfile's
# ARGs name, so `podman build --pull=never` builds the Dockerfile unchanged.
#
# Cached between runs on the same machine: the images stay in podman's store (/var/lib/containers/storage),
# labelled with a hash of this recipe, the host CAs and the tags; they are rebuilt only when one changes.
# `podman rmi` the two tags (or delete that store) to force a rebuild. debootstrap's .debs are kept in
# $MODRELAY_CI_CACHE/debs (default /var/cache/modrelay-ci) for that rebuild.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=podman-env.sh
. "$here/podman-env.sh"
ci_install podman runc debootstrap

dockerfile_arg() { sed -n "s/^ARG $1=//p" "$root/Dockerfile" | head -n 1; }
JDK_IMAGE="$(dockerfile_arg BUILD_IMAGE)"
JRE_IMAGE="$(dockerfile_arg RUNTIME_IMAGE)"
[ -n "$JDK_IMAGE" ] && [ -n "$JRE_IMAGE" ] || { echo "base-images: no ARG BUILD_IMAGE / RUNTIME_IMAGE in the Dockerfile" >&2; exit 1; }
qualify() { case "$1" in */*/*) echo "$1" ;; */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac; }
JDK_TAG="$(qualify "$JDK_IMAGE")"
JRE_TAG="$(qualify "$JRE_IMAGE")"

recipe="$( { cat "$0"; cat /usr/local/share/ca-certificates/* 2>/dev/null || true; echo "$JDK_TAG $JRE_TAG"; } | sha256sum | cut -c1-16)"
label_of() { pm image inspect --format '{{index .Labels "dev.modrelay.ci.recipe"}}' "$1" 2>/dev/null || true; }
if [ "$(label_of "$JDK_TAG")" = "$recipe" ] && [ "$(label_of "$JRE_TAG")" = "$recipe" ]; then
  echo "base images cached: $JDK_TAG, $JRE_TAG"
  exit 0
fi

# The Debian mirror this machine's apt uses (reachable by definition); deb.debian.org otherwise.
mirror="$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
  | grep -v security | head -n 1 | tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d "$MODRELAY_CI_CACHE/rootfs.XXXXXX")"
rootfs="$work/rootfs"
cleanup() {
  mountpoint -q "$rootfs/proc" && umount "$rootfs/proc" || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap bookworm from $mirror"
mkdir -p "$MODRELAY_CI_CACHE/debs"
debootstrap --variant=minbase --cache-dir="$MODRELAY_CI_CACHE/debs" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
mkdir -p "$rootfs/usr/local/share/ca-certificates"
host_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${host_cas[0]}" ] && cp "${host_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
mount -t proc proc "$rootfs/proc"
in_root() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
apt_in_root() {
  in_root apt-get install -y -q --no-install-recommends "$@" >>"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
}
in_root apt-get update -q >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
apt_in_root ca-certificates ca-certificates-java openjdk-17-jre-headless
in_root update-ca-certificates >/dev/null
# ca-certificates-java's hook puts every CA of /etc/ssl/certs into the JDK's cacerts; prove the host's are there.
for ca in "${host_cas[@]}"; do
  [ -e "$ca" ] || continue
  alias="debian:$(basename "$ca" .crt).pem"
  in_root keytool -list -cacerts -storepass changeit -alias "$alias" >/dev/null 2>&1 \
    || { echo "base-images: $alias is not in the image's Java cacerts" >&2; exit 1; }
done

jhome="/usr/lib/jvm/java-17-openjdk-$(in_root dpkg --print-architecture)"
import() { # import <tag>: the rootfs as it is now, without apt's lists and caches
  tar -C "$rootfs" --exclude=./proc/* --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* -c . \
    | pm import -q \
        --change "ENV PATH=$jhome/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --change "ENV JAVA_HOME=$jhome" --change "ENV LANG=C.UTF-8" \
        --change "LABEL dev.modrelay.ci.recipe=$recipe" \
        --change 'CMD ["/bin/bash"]' - "$1" >/dev/null
  echo "imported $1"
}
import "$JRE_TAG"
apt_in_root openjdk-17-jdk-headless
import "$JDK_TAG"
