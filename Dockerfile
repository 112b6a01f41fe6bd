# modrelay's image: the README's build on a JDK 17, the README's jar on a JRE 17, as a non-root user.
#
# Base images are exact version tags. Digests cannot be looked up where this file is tested (no registry is
# reachable there): to pin them, append @sha256:… to the two defaults below (`docker buildx imagetools inspect
# eclipse-temurin:<tag>` prints it) or pass --build-arg BUILD_IMAGE=…@sha256:… RUNTIME_IMAGE=…@sha256:….
ARG BUILD_IMAGE=eclipse-temurin:17.0.20.1_1-jdk-noble
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.20.1_1-jre-noble

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependency layer: the wrapper and the poms only, then an empty build of the relay and what it depends on.
# It downloads Maven, every plugin and every dependency, and is reused until a pom changes.
COPY mvnw ./
COPY .mvn .mvn
COPY pom.xml ./
COPY config/pom.xml config/
COPY moderation/pom.xml moderation/
COPY relay/pom.xml relay/
COPY load-tests/pom.xml load-tests/
RUN ./mvnw -B -q -pl relay -am package -DskipTests
# Sources: only the three modules the jar is made of (load-tests changes do not rebuild the image).
COPY config/src config/src
COPY moderation/src moderation/src
COPY relay/src relay/src
RUN ./mvnw -B -q -o -pl relay -am package -DskipTests

FROM ${RUNTIME_IMAGE}
# The app user owns what the relay writes (sub-keys in /app/data, chat logs in /app/logs) and nothing else.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin modrelay \
 && mkdir -p /app/data /app/logs \
 && chown modrelay:modrelay /app/data /app/logs \
 && chmod 0750 /app/data /app/logs
WORKDIR /app
# Run through their shells: no exec bit needed (a checkout may lose it), no BuildKit-only COPY --chmod.
COPY deploy/docker/entrypoint.sh deploy/docker/healthcheck.sh /app/
COPY --from=build /src/relay/target/modrelay.jar /app/modrelay.jar
# C.UTF-8 exists in every glibc base: without a UTF-8 locale, log lines and chat logs lose non-ASCII text.
# JAVA_OPTS: JVM flags the entrypoint passes to java (docs/operations.md, "Sizing").
ENV LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 \
    PORT=9000 \
    DATA_DIR=/app/data \
    LOG_DIR=/app/logs \
    JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:MaxNewSize=128m -XX:+ExitOnOutOfMemoryError"
USER modrelay
# Anonymous volumes unless the run names them: `-v modrelay-data:/app/data` keeps sub-keys across containers.
VOLUME ["/app/data", "/app/logs"]
EXPOSE 9000
# One HTTP/1.0 GET /readyz through bash's /dev/tcp: no second JVM every 15 s (docs/operations.md, "Health").
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/bin/bash", "/app/healthcheck.sh"]
# SIGTERM starts the graceful stop. Docker waits only 10 s before it kills: run with --stop-timeout
# (compose: stop_grace_period, Kubernetes: terminationGracePeriodSeconds) of SHUTDOWN_DEADLINE + 15 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/bin/sh", "/app/entrypoint.sh"]
# Last, so that a new revision changes only this layer.
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="modrelay" \
      org.opencontainers.image.description="A relay for the OpenAI API that moderates model output while it streams." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
