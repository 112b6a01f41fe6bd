package modrelay.relay.logging;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import modrelay.relay.proxy.RequestIds;

/**
 * Gives every request one id before any route sees it (the client's sane X-Request-Id, or a new one,
 * put on the request so the proxy, its logs and the chat log use the same) and puts it on every
 * response: health, /metrics, 404s, CORS preflights, rejections and errors included.
 */
public final class RequestIdRoute extends AllDirectives {
    public static final String HEADER = "X-Request-Id";

    public Route wrap(Supplier<Route> inner) {
        return extractRequest(request -> {
            Optional<String> given = request.getHeader(HEADER).map(HttpHeader::value);
            String id = RequestIds.fromClientOrNew(given);
            HttpResponseIds ids = new HttpResponseIds(id);
            if (given.isPresent() && given.get().equals(id)) return mapResponse(ids::ensure, inner);
            return mapRequest(r -> withId(r, id), () -> mapResponse(ids::ensure, inner));
        });
    }

    private record HttpResponseIds(String id) {
        HttpResponse ensure(HttpResponse r) {
            return r.getHeader(HEADER).isPresent() ? r : r.addHeader(RawHeader.create(HEADER, id));
        }
    }

    private static HttpRequest withId(HttpRequest r, String id) {
        List<HttpHeader> headers = new ArrayList<>();
        for (HttpHeader h : r.getHeaders()) if (!h.is("x-request-id")) headers.add(h);
        headers.add(RawHeader.create(HEADER, id));
        return r.withHeaders(headers);
    }

}
