package modrelay.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import modrelay.config.Settings;

/**
 * Akka and Akka HTTP settings that follow from the relay's own: the server must not cut long
 * streams or bodies on its own defaults (20 s request timeout, 8 MB bodies, 1024 connections),
 * and graceful shutdown must be allowed to last as long as SHUTDOWN_DEADLINE.
 */
final class AkkaConfig {
    private AkkaConfig() {}

    /**
     * How long a client connection may be silent both ways: longer than an upstream may be silent
     * before the relay itself answers (first byte, then between chunks) plus a heartbeat.
     */
    static Duration serverIdleTimeout(Settings s) {
        Duration upstreamSilence = s.upstream().firstByteTimeout().plus(s.upstream().idleTimeout());
        return upstreamSilence.plus(s.server().heartbeatInterval()).plusSeconds(10);
    }

    static Config from(Settings s) {
        long serverIdleMs = serverIdleTimeout(s).toMillis();
        // The deadline, then ending the streams left (a few seconds), then closing the connections.
        long shutdownMs = s.server().shutdownDeadline().plusSeconds(15).toMillis();
        String hocon = String.join("\n",
                "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
                "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
                "akka.loglevel = INFO",
                // Logback's first start loads many classes: on a busy host (a node running many containers) the default
                // 5 s made the relay exit at start, so it gets time.
                "akka.logger-startup-timeout = 30s",
                "akka.log-dead-letters = off",
                "akka.log-dead-letters-during-shutdown = off",
                // The relay answers first-byte timeouts itself with an OpenAI-shaped 504.
                "akka.http.server.request-timeout = infinite",
                "akka.http.server.idle-timeout = " + serverIdleMs + "ms",
                "akka.http.server.max-connections = 65536",
                "akka.http.server.backlog = 4096",
                "akka.http.server.remote-address-attribute = on",
                // Akka would log a "Bearer key:proxy-key" Authorization it cannot parse, key and all.
                "akka.http.server.parsing.illegal-header-warnings = off",
                "akka.http.client.parsing.illegal-header-warnings = off",
                "akka.http.server.server-header = \"\"",
                // What Akka cannot parse at all is refused in OpenAI's error shape too.
                "akka.http.server.parsing.error-handler = \"modrelay.relay.http.OpenAiParsingErrors\"",
                // Body limits are the relay's (413 in OpenAI shape); streamed bodies get withSizeLimit.
                "akka.http.server.parsing.max-content-length = infinite",
                "akka.http.client.parsing.max-content-length = infinite",
                "akka.http.client.parsing.max-chunk-size = 16m",
                // Upstream headers are read by name and forwarded as they came (Date and Server dropped): typed parsing
                // bought nothing but its cost. The Date of every answer, never cached, went through the date grammar:
                // 3.7% of the relay's CPU on small requests. Content-Type, -Length, -Encoding, Connection and
                // Transfer-Encoding are still parsed (Akka always parses them).
                "akka.http.client.parsing.modeled-header-parsing = off",
                "akka.http.host-connection-pool.response-entity-subscription-timeout = 5s",
                "akka.coordinated-shutdown.phases.service-unbind.timeout = 10s",
                "akka.coordinated-shutdown.phases.service-requests-done.timeout = " + shutdownMs + "ms",
                // The chat log waits for the last entries (at most 5 s), then writes and closes (at most 5 s).
                "akka.coordinated-shutdown.phases.before-actor-system-terminate.timeout = 15s");
        return ConfigFactory.parseString(hocon);
    }
}
