# Build stage: the README's build command, on the JDK the tests run on (17).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q package -DskipTests

# Run stage: a slim JRE 17, a non-root user, exactly the README's jar.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app modrelay && mkdir -p /app/data && chown modrelay /app/data
WORKDIR /app
COPY --from=build /src/relay/target/modrelay.jar /app/modrelay.jar
USER modrelay
ENV PORT=9000
EXPOSE 9000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["java", "-cp", "/app/modrelay.jar", "modrelay.relay.HealthCheck"]
# SIGTERM starts the graceful stop (see docs/operations.md, "Stopping the relay"). Docker waits only 10 s
# before it kills: run with --stop-timeout (compose: stop_grace_period) above SHUTDOWN_DEADLINE + 15 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/modrelay.jar"]
