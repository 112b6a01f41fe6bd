package modrelay.relay.http;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CORS for browser chat apps that call the relay directly: preflights are answered here (never
 * relayed), and every response carries the allow headers. {@code CORS_ORIGINS="*"} allows any
 * origin; otherwise the request's Origin is echoed when listed.
 */
public final class Cors extends AllDirectives {
    private static final String EXPOSED = "X-Request-Id, Retry-After, openai-processing-ms, openai-organization, "
            + "x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests";

    private final List<String> origins;
    private final boolean any;

    public Cors(List<String> origins) {
        this.origins = List.copyOf(origins);
        this.any = origins.isEmpty() || origins.contains("*");
    }

    public Route wrap(Supplier<Route> inner) {
        return extractRequest(request -> {
            Optional<String> origin = request.getHeader("origin").map(HttpHeader::value);
            if (request.method().equals(HttpMethods.OPTIONS) && origin.isPresent()
                    && request.getHeader("access-control-request-method").map(HttpHeader::value).isPresent()) {
                return complete(preflight(request, origin.get()));
            }
            if (origin.isEmpty()) return inner.get();
            List<HttpHeader> extra = allowHeaders(origin.get());
            return mapResponse(r -> r.addHeaders(extra), inner);
        });
    }

    private HttpResponse preflight(HttpRequest request, String origin) {
        List<HttpHeader> headers = allowHeaders(origin);
        if (headers.isEmpty()) return HttpResponse.create().withStatus(StatusCodes.FORBIDDEN);
        headers.add(RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"));
        headers.add(RawHeader.create("Access-Control-Allow-Headers",
                request.getHeader("access-control-request-headers").map(HttpHeader::value).orElse("authorization, content-type")));
        headers.add(RawHeader.create("Access-Control-Max-Age", "86400"));
        return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(headers);
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
