package modrelay.relay.exchange;

import java.util.Optional;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.text.Dialect;

/**
 * What the relay knows about one request once it has been admitted.
 *
 * @param requestId   from X-Request-Id or made up; returned on every response
 * @param client      the proxy key's name ("key-1") or "open"; never the key
 * @param path        the path after the route prefix, with the query
 * @param dialect     where the text is, when the path is one the relay can moderate
 * @param level       the resolved moderation level (OFF when not moderated)
 * @param startNanos  System.nanoTime() when the request arrived
 * @param requestJson the JSON body as sent upstream, kept for the chat log only when it is on; else empty
 * @param bodyEnd     what runs once the response body has been sent (shared by every copy of this exchange)
 * @param inbound     the canonical request the filters built (see {@link Inbound})
 * @param usage       what this exchange's token usage is gathered in (shared by every copy)
 */
public record Exchange(
        String requestId,
        String client,
        String clientIp,
        String method,
        String path,
        Optional<Dialect> dialect,
        ModerationLevel level,
        Optional<String> model,
        long startNanos,
        akka.util.ByteString requestJson,
        BodyEnd bodyEnd,
        Inbound inbound,
        modrelay.relay.tokens.UsageTrace usage) {

    public Exchange(String requestId, String client, String clientIp, String method, String path, Optional<Dialect> dialect,
            ModerationLevel level, Optional<String> model, long startNanos) {
        this(requestId, client, clientIp, method, path, dialect, level, model, startNanos, akka.util.ByteString.emptyByteString(),
                new BodyEnd(), null, modrelay.relay.tokens.UsageTrace.off());
    }

    /** A request as it arrives, before any filter ran: path is the raw one until the canonical path is known. */
    public static Exchange arriving(String requestId, String clientIp, akka.http.javadsl.model.HttpRequest http, BodyEnd end) {
        return arriving(requestId, clientIp, http, end, modrelay.relay.tokens.UsageTrace.off());
    }

    /** As it arrives, with usage accounting on ({@code UsageTrace.on()}) or off. */
    public static Exchange arriving(String requestId, String clientIp, akka.http.javadsl.model.HttpRequest http, BodyEnd end,
            modrelay.relay.tokens.UsageTrace usage) {
        return new Exchange(requestId, "-", clientIp, http.method().value(), http.getUri().path(), Optional.empty(),
                ModerationLevel.OFF, Optional.empty(), System.nanoTime(), akka.util.ByteString.emptyByteString(), end,
                Inbound.of(http), usage);
    }

    /** The canonical path is known: logs and the router use its spelling from now on. */
    public Exchange withPath(modrelay.relay.request.CanonicalPath p, Optional<String> query) {
        String pathAndQuery = p.encoded() + query.map(q -> "?" + q).orElse("");
        return new Exchange(requestId, client, clientIp, method, pathAndQuery, dialect, level, model, startNanos, requestJson,
                bodyEnd,
                inbound.withPath(p, query), usage);
    }

    public Exchange withAdmission(modrelay.relay.access.Admission a, Optional<String> upstreamKey) {
        return new Exchange(requestId, a.client(), clientIp, method, path, dialect, level, model, startNanos, requestJson, bodyEnd,
                inbound.withAdmission(a, upstreamKey), usage);
    }

    public Exchange withInbound(Inbound in) {
        return new Exchange(requestId, client, clientIp, method, path, dialect, level, in.model() instanceof modrelay.relay.endpoint.RequestModel.Named n ? Optional.of(n.name()) : model,
                startNanos, requestJson, bodyEnd, in, usage);
    }

    /** The path without its query: query strings can carry secrets (some clients put keys there), so logs use this. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /**
     * The JSON body asked for a stream ({@code "stream": true}): how an unreadable moderated answer is refused
     * when its own content type does not say.
     */
    public boolean stream() {
        return inbound != null && inbound.json().map(modrelay.relay.request.JsonBody::stream).orElse(false);
    }

    public boolean moderated() {
        return level != ModerationLevel.OFF && dialect.isPresent();
    }

    public Exchange withModeration(Optional<Dialect> d, ModerationLevel l, Optional<String> m) {
        return new Exchange(requestId, client, clientIp, method, path, d, l, m, startNanos, requestJson, bodyEnd, inbound, usage);
    }

    public Exchange withRequestJson(akka.util.ByteString json) {
        return new Exchange(requestId, client, clientIp, method, path, dialect, level, model, startNanos, json, bodyEnd, inbound, usage);
    }

    /** Whether usage accounting is on and this exchange's endpoint is one whose tokens are counted. */
    public boolean metered() {
        return usage.enabled() && inbound != null && meteredEndpoint(inbound.endpoint().name());
    }

    /**
     * Endpoints whose answers carry token usage: what the relay records and what token budgets count. A switch, not a
     * set lookup: it is asked several times per request.
     */
    private static boolean meteredEndpoint(String name) {
        return switch (name) {
            case "chat.completions.create", "completions.create", "responses.create", "embeddings.create" -> true;
            default -> false;
        };
    }
}
