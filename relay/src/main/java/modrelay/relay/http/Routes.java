package modrelay.relay.http;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import modrelay.relay.access.IpGate;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.observability.AccessLog;
import modrelay.relay.observability.Observability;
import modrelay.relay.pipeline.ProxyHandler;
import modrelay.relay.http.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's front door, as a plain request handler: a request id on every request and response,
 * CORS around everything, {@code /healthz} and {@code /readyz} at the root, the IP rules (then
 * {@code /metrics} at the root), {@code /admin}, and every other method and path under the route prefix relayed upstream with
 * the same path and query. Every response but health and metrics is counted by route class and status.
 *
 * <p>Not Akka's routing DSL: its nested directives cost a future transformation per layer per request,
 * about a tenth of the relay's CPU on small requests. The admin API keeps the DSL (it is not hot).
 */
public final class Routes implements akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String REQUEST_ID = "X-Request-Id";

    private final String prefix;
    private final ProxyHandler proxy;
    private final Cors cors;
    private final BooleanSupplier ready;
    private final IpGate ipGate;
    private final akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> admin;
    private final Observability observability;

    /**
     * @param admin the /admin API (it answers 404 itself when there is no admin token)
     */
    public Routes(String prefix, ProxyHandler proxy, Cors cors, BooleanSupplier ready, IpGate ipGate,
            akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> admin, Observability observability) {
        this.prefix = prefix;
        this.proxy = proxy;
        this.cors = cors;
        this.ready = ready;
        this.ipGate = ipGate;
        this.admin = admin;
        this.observability = observability;
    }

    @Override
    public CompletionStage<HttpResponse> apply(HttpRequest request) {
        String id = RequestIds.fromClientOrNew(request.getHeader(REQUEST_ID).map(HttpHeader::value));
        CompletionStage<HttpResponse> answer;
        try {
            answer = withCors(request, id);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(e -> internalError(e, id)).thenApply(r -> ensureRequestId(r, id));
    }

    /** @param id the request id: the proxy, its logs and the chat log use this one, the one returned */
    private CompletionStage<HttpResponse> withCors(HttpRequest request, String id) {
        String path = request.getUri().path();
        Optional<String> origin = request.getHeader("origin").map(HttpHeader::value);
        Optional<HttpResponse> preflight = cors.preflight(request, origin);
        if (preflight.isPresent()) return counted(path, CompletableFuture.completedFuture(preflight.get()));
        CompletionStage<HttpResponse> answer = health(request, path).orElseGet(() -> counted(path, gated(request, path, id)));
        return origin.isEmpty() ? answer : answer.thenApply(r -> cors.allow(r, origin.get()));
    }

    private Optional<CompletionStage<HttpResponse>> health(HttpRequest request, String path) {
        if (!request.method().equals(HttpMethods.GET)) return Optional.empty();
        if (path.equals("/healthz")) return Optional.of(done(json(StatusCodes.OK, "{\"status\":\"ok\"}")));
        if (path.equals("/readyz")) {
            return Optional.of(done(ready.getAsBoolean()
                    ? json(StatusCodes.OK, "{\"status\":\"ready\"}")
                    : json(StatusCodes.SERVICE_UNAVAILABLE, "{\"status\":\"shutting down\"}")));
        }
        return Optional.empty();
    }

    /** Everything but health and metrics: the IP rules first (403), then admin or relay. */
    private CompletionStage<HttpResponse> gated(HttpRequest request, String path, String id) {
        String client = ipGate.clientAddress(request, socketAddress(request));
        Optional<HttpResponse> refused = ipGate.refusal(client);
        if (refused.isPresent()) {
            AccessLog.refusedByIp(request.method().value(), path, id, client, refused.get().status().intValue());
            return done(refused.get());
        }
        // Behind the IP rules, like everything but health: METRICS_TOKEN is checked by the endpoint itself.
        if (path.equals("/metrics") && request.method().equals(HttpMethods.GET)) return done(observability.metricsAnswer(request));
        if (path.startsWith("/admin")) return admin(request);
        // The route prefix and the path's one spelling are the request pipeline's first step.
        return proxy.handle(request, client, id);
    }

    private CompletionStage<HttpResponse> admin(HttpRequest request) {
        try {
            return admin.apply(request);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<HttpResponse> counted(String path, CompletionStage<HttpResponse> answer) {
        return answer.thenApply(r -> {
            observability.countResponse(path, r.status().intValue());
            return r;
        });
    }

    private static HttpResponse internalError(Throwable error, String id) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        // The type only: a message could quote a header that carried a key.
        LOG.warn("request_id={} unhandled failure: {}", id, e.getClass().getName());
        return OpenAiError.internal("the relay failed to handle this request").response();
    }

    private static HttpResponse ensureRequestId(HttpResponse r, String id) {
        return r.getHeader(REQUEST_ID).isPresent() ? r : r.addHeader(RawHeader.create(REQUEST_ID, id));
    }

    /** The TCP peer, not X-Forwarded-For: a client could forge that header. */
    private static String socketAddress(HttpRequest request) {
        return request.getAttribute(AttributeKeys.remoteAddress)
                .flatMap(RemoteAddress::getAddress)
                .map(java.net.InetAddress::getHostAddress)
                .orElse("unknown");
    }

    private static CompletionStage<HttpResponse> done(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private static HttpResponse json(akka.http.javadsl.model.StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }
}
