package modrelay.relay.http;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CORS for browser chat apps that call the relay directly: preflights are answered here (never
 * relayed), and every response carries the allow headers. {@code CORS_ORIGINS="*"} allows any
 * origin; otherwise the request's Origin is echoed when listed.
 */
public final class Cors {
    private static final String EXPOSED = "X-Request-Id, Retry-After, openai-processing-ms, openai-organization, "
            + "x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests";

    private final List<String> origins;
    private final boolean any;

    public Cors(List<String> origins) {
        this.origins = List.copyOf(origins);
        this.any = origins.isEmpty() || origins.contains("*");
    }

    /** The answer to a CORS preflight, when the request is one. */
    Optional<HttpResponse> preflight(HttpRequest request, Optional<String> origin) {
        if (!request.method().equals(HttpMethods.OPTIONS) || origin.isEmpty()
                || request.getHeader("access-control-request-method").isEmpty()) {
            return Optional.empty();
        }
        List<HttpHeader> headers = allowHeaders(origin.get());
        if (headers.isEmpty()) return Optional.of(HttpResponse.create().withStatus(StatusCodes.FORBIDDEN));
        headers.add(RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"));
        headers.add(RawHeader.create("Access-Control-Allow-Headers",
                request.getHeader("access-control-request-headers").map(HttpHeader::value).orElse("authorization, content-type")));
        headers.add(RawHeader.create("Access-Control-Max-Age", "86400"));
        return Optional.of(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(headers));
    }

    /** The response with the allow headers a browser at {@code origin} needs (none when the origin is not allowed). */
    HttpResponse allow(HttpResponse response, String origin) {
        List<HttpHeader> extra = allowHeaders(origin);
        return extra.isEmpty() ? response : response.addHeaders(extra);
    }

    private List<HttpHeader> allowHeaders(String origin) {
        List<HttpHeader> h = new ArrayList<>();
        if (any) {
            h.add(RawHeader.create("Access-Control-Allow-Origin", "*"));
        } else if (origins.contains(origin)) {
            h.add(RawHeader.create("Access-Control-Allow-Origin", origin));
            h.add(RawHeader.create("Vary", "Origin"));
        } else {
            return h;
        }
        h.add(RawHeader.create("Access-Control-Expose-Headers", EXPOSED));
        return h;
    }
}
