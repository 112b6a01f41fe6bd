package modrelay.relay.access;

import java.util.Optional;

/**
 * What a client sent to authenticate, split into the key meant for the upstream and the proxy key.
 * Pure parsing; deciding whether the proxy key is right is {@link ProxyKeyGuard}'s job.
 *
 * <p>Accepted forms, first match wins:
 * <ul>
 *   <li>{@code X-Proxy-Key: <proxy key>} with any Authorization: the whole bearer token is the upstream key;</li>
 *   <li>{@code Authorization: Bearer <upstream key>:<proxy key>} (split at the last ':');</li>
 *   <li>{@code Authorization: Bearer <token>} without ':': the token is the proxy key when the relay holds the
 *       upstream keys (a client that cannot put ':' in its key), else the upstream key;</li>
 *   <li>{@code api-key: <token>} (Azure-style clients) read like the bearer token.</li>
 * </ul>
 */
public record ClientCredentials(Optional<String> upstreamKey, Optional<String> proxyKey) {

    public static ClientCredentials parse(
            Optional<String> authorization, Optional<String> apiKeyHeader, Optional<String> proxyKeyHeader,
            boolean relayRequiresProxyKey, boolean relayHoldsUpstreamKeys) {
        Optional<String> token = authorization.flatMap(ClientCredentials::bearerToken).or(() -> apiKeyHeader.map(String::trim))
                .filter(t -> !t.isEmpty());
        if (proxyKeyHeader.isPresent()) {
            return new ClientCredentials(token, proxyKeyHeader.map(String::trim));
        }
        if (token.isEmpty()) return new ClientCredentials(Optional.empty(), Optional.empty());
        String t = token.get();
        if (!relayRequiresProxyKey) {
            // An open relay forwards the client's token untouched: some upstreams' keys contain ':'.
            return new ClientCredentials(token, Optional.empty());
        }
        int colon = t.lastIndexOf(':');
        if (colon >= 0) {
            String upstream = t.substring(0, colon);
            return new ClientCredentials(
                    upstream.isEmpty() ? Optional.empty() : Optional.of(upstream), Optional.of(t.substring(colon + 1)));
        }
        return relayHoldsUpstreamKeys
                ? new ClientCredentials(Optional.empty(), token)
                : new ClientCredentials(token, Optional.empty());
    }

    private static Optional<String> bearerToken(String header) {
        String h = header.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.of(h.substring(7).trim());
        return Optional.empty();
    }
}
