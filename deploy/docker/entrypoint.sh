#!/bin/sh
# The image's entrypoint: java with JAVA_OPTS (split on blanks, as a shell would), then the relay's jar.
# exec: java becomes PID 1 and receives SIGTERM itself (the graceful stop).
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar /app/modrelay.jar "$@"
