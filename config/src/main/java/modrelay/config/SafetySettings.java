package modrelay.config;

import java.time.Duration;

/**
 * What keeps the relay from being used or held by clients it should not serve.
 *
 * @param allowOpenRelay      ALLOW_OPEN_RELAY: start even when server-side upstream keys are set and no
 *                            client needs a key (otherwise the relay refuses to start)
 * @param headerReadTimeout   HEADER_READ_TIMEOUT: a request's headers must have arrived this long after
 *                            its first byte, or the connection is closed (slow clients holding connections)
 * @param maxConnectionsPerIp MAX_CONNECTIONS_PER_IP: open connections from one client address; more are refused
 */
public record SafetySettings(boolean allowOpenRelay, Duration headerReadTimeout, int maxConnectionsPerIp) {

    /** What a relay built without these settings gets: the defaults of reference.conf. */
    public static SafetySettings defaults() {
        return new SafetySettings(false, Duration.ofSeconds(10), 256);
    }
}
