#!/bin/bash
# The image's HEALTHCHECK: exits 0 when GET /readyz on the local PORT answers 200 within 3 s.
# Plain bash (/dev/tcp), so a check costs a few milliseconds of CPU and a few MB, not a second JVM.
exec 3<>"/dev/tcp/127.0.0.1/${PORT:-9000}" || exit 1
printf 'GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) exit 1 ;;
esac
