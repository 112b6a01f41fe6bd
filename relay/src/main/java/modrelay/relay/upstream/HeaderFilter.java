package modrelay.relay.upstream;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the relay. Pure: works on lower-case names so it is tested without Akka.
 *
 * <p>Dropped both ways: the RFC 7230 hop-by-hop set and anything the {@code Connection} header
 * names. Dropped towards the upstream: what the client used to reach us (Host, its credentials,
 * proxy key), Akka's synthetic headers (Remote-Address, Raw-Request-URI replaces the request URI
 * if forwarded, Timeout-Access), entity headers (Akka carries them in the entity) and headers
 * under the operator's {@code HOP_HEADER_PREFIX}. Dropped towards the client: upstream CORS
 * headers (the relay answers CORS itself) and entity headers.
 */
public final class HeaderFilter {
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-connection");

    private static final Set<String> ENTITY = Set.of("content-length", "content-type", "transfer-encoding");

    private static final Set<String> CLIENT_ONLY = Set.of(
            "host", "authorization", "api-key", "x-proxy-key", "remote-address", "raw-request-uri", "timeout-access",
            "tls-session-info", "x-request-id", "expect");

    private final String hopHeaderPrefix;

    /** @param hopHeaderPrefix lower-case prefix of headers a cloud gateway injected; "" for none */
    public HeaderFilter(String hopHeaderPrefix) {
        this.hopHeaderPrefix = hopHeaderPrefix.toLowerCase(Locale.ROOT);
    }

    /**
     * @param name                lower-case header name
     * @param connectionTokens    lower-case names listed in the request's Connection header
     * @param dropAcceptEncoding  true when the relay must read the body (moderation): it cannot parse gzip
     */
    public boolean forwardUpstream(String name, Set<String> connectionTokens, boolean dropAcceptEncoding) {
        if (HOP_BY_HOP.contains(name) || ENTITY.contains(name) || CLIENT_ONLY.contains(name)) return false;
        if (connectionTokens.contains(name)) return false;
        if (!hopHeaderPrefix.isEmpty() && name.startsWith(hopHeaderPrefix)) return false;
        if (dropAcceptEncoding && name.equals("accept-encoding")) return false;
        return true;
    }

    public boolean forwardToClient(String name, Set<String> connectionTokens) {
        if (HOP_BY_HOP.contains(name) || ENTITY.contains(name)) return false;
        if (connectionTokens.contains(name)) return false;
        if (name.startsWith("access-control-")) return false;
        // Akka renders its own Date/Server; duplicates confuse some clients.
        return !name.equals("date") && !name.equals("server");
    }

    /** The lower-case names in a Connection header value ("keep-alive, X-Foo"). */
    public static Set<String> connectionTokens(String connectionHeaderValue) {
        if (connectionHeaderValue == null || connectionHeaderValue.isBlank()) return Set.of();
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String t : connectionHeaderValue.split(",")) {
            String n = t.trim().toLowerCase(Locale.ROOT);
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }
}
