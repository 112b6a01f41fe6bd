package modrelay.relay.http;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.util.function.BooleanSupplier;
import modrelay.relay.access.IpGate;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.proxy.ProxyHandler;

/**
 * The relay's routes: health and readiness at the root, CORS around everything, and every method
 * and path under the route prefix relayed upstream with the same path and query.
 */
public final class Routes extends AllDirectives {
    private final String prefix;
    private final ProxyHandler proxy;
    private final Cors cors;
    private final BooleanSupplier ready;
    private final IpGate ipGate;
    private final Route admin;

    public Routes(String prefix, ProxyHandler proxy, Cors cors, BooleanSupplier ready) {
        this(prefix, proxy, cors, ready, IpGate.open(), akka.http.javadsl.server.Directives.reject());
    }

    /** @param admin the /admin tree (it answers 404 itself when there is no admin token) */
    public Routes(String prefix, ProxyHandler proxy, Cors cors, BooleanSupplier ready, IpGate ipGate, Route admin) {
        this.prefix = prefix;
        this.proxy = proxy;
        this.cors = cors;
        this.ready = ready;
        this.ipGate = ipGate;
        this.admin = admin;
    }

    public Route route() {
        return cors.wrap(() -> concat(
                path("healthz", () -> get(() -> complete(json(StatusCodes.OK, "{\"status\":\"ok\"}")))),
                path("readyz", () -> get(() -> ready.getAsBoolean()
                        ? complete(json(StatusCodes.OK, "{\"status\":\"ready\"}"))
                        : complete(json(StatusCodes.SERVICE_UNAVAILABLE, "{\"status\":\"shutting down\"}")))),
                gated()));
    }

    /** Everything but health: the IP rules first (403), then admin or relay. */
    private Route gated() {
        return extractRequest(request -> {
            String client = ipGate.clientAddress(request, socketAddress(request));
            return ipGate.refusal(client).<Route>map(this::complete).orElseGet(() -> concat(admin, relay(client)));
        });
    }

    private Route relay(String client) {
        return extractRequest(request -> {
            String path = request.getUri().path();
            if (!prefix.isEmpty() && !path.equals(prefix) && !path.startsWith(prefix + "/")) {
                return complete(OpenAiError.notFound(path).response());
            }
            String rest = path.substring(prefix.length());
            String pathAndQuery = rest + request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
            return completeWithFuture(proxy.handle(request, pathAndQuery, client));
        });
    }

    /** The TCP peer, not X-Forwarded-For: a client could forge that header. */
    private static String socketAddress(akka.http.javadsl.model.HttpRequest request) {
        return request.getAttribute(AttributeKeys.remoteAddress)
                .flatMap(RemoteAddress::getAddress)
                .map(java.net.InetAddress::getHostAddress)
                .orElse("unknown");
    }

    private static HttpResponse json(akka.http.javadsl.model.StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }
}
