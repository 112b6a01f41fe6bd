package modrelay.relay.routing;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.stream.StreamTcpException;
import akka.util.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import modrelay.config.RoutingSettings;
import modrelay.config.Settings;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.logging.AccessLog;
import modrelay.relay.proxy.Exchange;
import modrelay.relay.proxy.UpstreamBody;
import modrelay.relay.routing.RoutingTable.Route;
import modrelay.relay.upstream.KeyPool;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.ModelsKeyProbe;
import modrelay.relay.upstream.RetryAfter;
import modrelay.relay.upstream.UpstreamClient;
import modrelay.relay.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router between the relay and its upstreams: picks the upstreams that serve the request's
 * model, orders them (priority, weights, strategy, health), and tries them in turn. A connect
 * failure, no headers in time, a 429 or a 5xx — always before any byte reached the client — moves
 * the request on: to another key of the same upstream for a 429 (or a 401 on a server key), else to
 * the next upstream, at most MAX_ATTEMPTS sends and within the request's total deadline. Only bodies
 * the relay holds whole are sent twice; a streamed upload gets one attempt.
 *
 * <p>State lives elsewhere: keys in each upstream's {@link KeyPool}, health in {@link UpstreamHealth},
 * the model list in {@link ModelCatalog}; the router reads their snapshots and only reports outcomes.
 */
public final class UpstreamRouter {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRouter.class);
    private static final long MAX_ERROR_BYTES = 1024 * 1024;

    /**
     * Turns the chosen upstream response into the client's. {@code ex} is the request's exchange, with the
     * model the router read from a body the relay does not otherwise parse; {@code via} names upstream and key for the log.
     */
    @FunctionalInterface
    public interface Shaper {
        CompletionStage<HttpResponse> shape(HttpResponse upstream, Exchange ex, String via);
    }

    private final RoutingSettings routing;
    private final List<Upstream> upstreams;
    private final RoutingTable table;
    private final Strategy strategy;
    private final AtomicReference<HealthSnapshot> health;
    private final Optional<ActorRef<UpstreamHealth.Command>> healthActor;
    private final AtomicReference<ModelList> models;
    private final RoutingState state;
    private final boolean hasServerKeys;
    private final UpstreamClient client;
    private final Duration firstByteTimeout;
    private final Duration totalTimeout;
    private final long maxRequestBytes;
    private final Materializer materializer;
    private final AtomicIntegerArray inFlight;
    private final boolean countsInFlight;

    UpstreamRouter(Settings settings, List<Upstream> upstreams, Strategy strategy, AtomicReference<HealthSnapshot> health,
            Optional<ActorRef<UpstreamHealth.Command>> healthActor, AtomicReference<ModelList> models, UpstreamClient client,
            Materializer materializer, RoutingState state) {
        this.routing = settings.routing();
        this.upstreams = List.copyOf(upstreams);
        this.table = new RoutingTable(routing.upstreams());
        this.strategy = strategy;
        this.health = health;
        this.healthActor = healthActor;
        this.models = models;
        this.client = client;
        this.firstByteTimeout = settings.upstream().firstByteTimeout();
        this.totalTimeout = settings.upstream().totalTimeout();
        this.maxRequestBytes = settings.server().maxRequestBytes();
        this.materializer = materializer;
        this.inFlight = new AtomicIntegerArray(upstreams.size());
        this.countsInFlight = strategy.kind() == Strategy.Kind.LEAST_IN_FLIGHT;
        this.state = state;
        this.hasServerKeys = routing.hasServerKeys(); // asked on every request; the upstreams never change
    }

    /** Upstream health and the model list as the background actors last published them. */
    public RoutingState state() {
        return state;
    }

    /**
     * Starts a key pool per upstream that holds keys, the health actor (several upstreams) and the model
     * catalog (declared upstreams).
     *
     * @param defaultKeys the key pool already started for the single default upstream, if any (reused, not doubled)
     * @param keyPools    told of each key pool started here (by upstream name), so its state can be published as metrics and shown by the admin API
     */
    public static UpstreamRouter start(Settings settings, ActorSystem<?> system, UpstreamClient client,
            Optional<KeyPoolClient> defaultKeys, java.util.function.BiConsumer<String, KeyPoolClient> keyPools) {
        RoutingSettings routing = settings.routing();
        List<UpstreamEndpoint> endpoints = routing.upstreams();
        List<Upstream> upstreams = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            UpstreamEndpoint e = endpoints.get(i);
            Optional<KeyPoolClient> keys = Optional.empty();
            if (!routing.declared() && defaultKeys.isPresent()) {
                keys = defaultKeys;
            } else if (e.hasServerKeys()) {
                keys = Optional.of(KeyPoolClient.start(system, routing.declared() ? "key-pool-" + i : "key-pool", e.keys(),
                        new ModelsKeyProbe(client, e, settings.upstream().firstByteTimeout(), Materializer.matFromSystem(system)),
                        settings.upstream().keyCooldown()));
                keyPools.accept(e.name(), keys.get());
            }
            upstreams.add(new Upstream(i, e, keys));
        }
        Materializer materializer = Materializer.matFromSystem(system);
        BackgroundCalls calls = new BackgroundCalls(upstreams, client, settings.upstream().firstByteTimeout(), materializer);
        AtomicReference<HealthSnapshot> health = new AtomicReference<>(HealthSnapshot.allUp(upstreams.size()));
        AtomicReference<ModelList> models = new AtomicReference<>(ModelList.of(List.of(), List.of()));
        RoutingState state = new RoutingState(health, models);
        Optional<ActorRef<UpstreamHealth.Command>> healthActor = Optional.empty();
        if (upstreams.size() > 1) {
            // With one upstream there is nowhere else to go: it keeps its traffic, as before.
            healthActor = Optional.of(system.systemActorOf(UpstreamHealth.create(endpoints.stream().map(UpstreamEndpoint::name).toList(),
                    routing.failureThreshold(), routing.cooldown(), calls, health, s -> state.changed()), "upstream-health",
                    Props.empty()));
        }
        if (routing.declared()) {
            system.systemActorOf(ModelCatalog.create(new RoutingTable(endpoints), calls, routing.modelsRefresh(), models,
                    state::changed), "model-catalog", Props.empty());
        }
        Strategy strategy = new Strategy(Strategy.kindOf(routing.strategy()), endpoints, ThreadLocalRandom::current);
        return new UpstreamRouter(settings, upstreams, strategy, health, healthActor, models, client, materializer, state);
    }

    /**
     * @param headers   the client's headers that may go upstream (credentials already removed)
     * @param clientKey the upstream key the client brought, used where an upstream holds none
     * @param reject    how a refusal decided here (unknown model, keys cooling) becomes the client's response
     */
    public CompletionStage<HttpResponse> forward(HttpMethod method, Exchange ex, UpstreamBody body, List<HttpHeader> headers,
            Optional<String> clientKey, Shaper shaper, Function<HttpResponse, CompletionStage<HttpResponse>> reject) {
        String path = ex.pathOnly();
        if (routing.declared() && method.equals(HttpMethods.GET) && (path.equals("/v1/models") || path.startsWith("/v1/models/"))) {
            return CompletableFuture.completedFuture(modelsAnswer(ex, path));
        }
        Request req = new Request(method, ex, headers, clientKey, shaper, reject);
        if (table.trivial()) {
            return new Attempts(req, body, ex.model(), List.of(new Route(0, ex.model().orElse(null)))).next();
        }
        if (path.startsWith("/openai/")) {
            Optional<String> deployment = AzurePaths.deploymentOf(path);
            List<Route> azure = deployment.map(table::azureCandidates).orElse(List.of());
            if (azure.isEmpty()) azure = List.of(new Route(0, null));
            return new Attempts(req, body, Optional.empty(), ordered(azure)).next();
        }
        if (ex.model().isPresent() || !method.equals(HttpMethods.POST)) return route(req, body, ex.model(), false);
        RequestEntity entity = body.entity();
        ContentType ct = entity.getContentType();
        if (isJson(ct)) {
            return entity.toStrict(firstByteTimeout.toMillis(), maxRequestBytes, materializer).thenCompose(strict -> route(req,
                    new UpstreamBody.Bytes(strict.getContentType(), strict.getData()), BodyModel.fromJson(strict.getData()), false));
        }
        if (ct.mediaType().equals(MediaTypes.MULTIPART_FORM_DATA)) {
            if (entity.isStrict()) {
                ByteString data = ((akka.http.javadsl.model.HttpEntity.Strict) entity).getData();
                return route(req, body, BodyModel.fromForm(ct.toString(), data), false);
            }
            return route(req, body, Optional.empty(), true);
        }
        return route(req, body, Optional.empty(), false);
    }

    /** See {@link RoutingTable#modelOfDeployment}: the client-facing model behind an Azure deployment a client names in its path. */
    public String modelOfDeployment(String deployment) {
        return table.modelOfDeployment(deployment);
    }

    /** Whether any upstream holds server-side keys. */
    public boolean hasServerKeys() {
        return hasServerKeys;
    }

    private CompletionStage<HttpResponse> route(Request req, UpstreamBody body, Optional<String> model, boolean streamedUpload) {
        List<Route> candidates;
        if (model.isPresent()) {
            candidates = table.candidates(model.get());
            if (candidates.isEmpty()) {
                return req.reject.apply(new OpenAiError(StatusCodes.NOT_FOUND, "The model '" + model.get()
                        + "' is not served by this relay: no upstream is configured for it.", "invalid_request_error",
                        "model_not_found").response());
            }
        } else if (streamedUpload) {
            // The form streams through unread: only an upstream that serves every model can take it without knowing the model.
            Optional<Integer> any = table.servingEverything();
            if (any.isEmpty()) {
                return req.reject.apply(OpenAiError.invalidParameter("This relay routes requests by model, and the model of a "
                        + "large streamed upload cannot be read before it is sent; no upstream serves every model (\"*\").",
                        "model_routing_unavailable").response());
            }
            candidates = List.of(new Route(any.get(), null));
        } else {
            // No model (GET /v1/files, ...): the first declared upstream, as files and batches live there.
            candidates = List.of(new Route(0, null));
        }
        return new Attempts(req, body, model, ordered(candidates)).next();
    }

    /** Strategy order, then upstreams out of rotation left out, unless that leaves none (then all are tried anyway). */
    private List<Route> ordered(List<Route> candidates) {
        List<Route> ordered = strategy.order(candidates, inFlight::get);
        HealthSnapshot h = health.get();
        List<Route> up = new ArrayList<>(ordered.size());
        for (Route r : ordered) if (h.up(r.upstream())) up.add(r);
        return up.isEmpty() ? ordered : up;
    }

    private record Request(HttpMethod method, Exchange ex, List<HttpHeader> headers, Optional<String> clientKey, Shaper shaper,
            Function<HttpResponse, CompletionStage<HttpResponse>> reject) {}

    /** A response kept while the next candidate is tried, delivered if none can be. */
    private record Held(HttpResponse response, Upstream upstream, String via) {}

    /** The attempts of one request, one after another (each step runs after the previous completed). */
    private final class Attempts {
        private final Request req;
        private final UpstreamBody body;
        private final Optional<String> clientModel;
        private final List<Route> candidates;
        private int candidate;
        private int sent;
        private Optional<Integer> lastKey = Optional.empty();
        private final Set<Integer> triedKeys = new HashSet<>();
        private Held held;
        private HttpResponse refusal;
        private Throwable lastError;

        Attempts(Request req, UpstreamBody body, Optional<String> clientModel, List<Route> candidates) {
            this.req = req;
            this.body = body;
            this.clientModel = clientModel;
            this.candidates = candidates;
        }

        CompletionStage<HttpResponse> next() {
            while (candidate < candidates.size()) {
                Route route = candidates.get(candidate);
                Upstream u = upstreams.get(route.upstream());
                Optional<KeySnapshot.KeyState> key = Optional.empty();
                if (u.keys().isPresent()) {
                    KeySnapshot.Pick pick = u.keys().get().pick(lastKey);
                    if (pick instanceof KeySnapshot.Pick.Key k && !triedKeys.contains(k.key().index())) {
                        key = Optional.of(k.key());
                    } else {
                        if (refusal == null && triedKeys.isEmpty()) refusal = refusalOf(pick);
                        advance();
                        continue;
                    }
                }
                Duration remaining = remaining();
                if (remaining.isNegative() || remaining.isZero()) break;
                HttpRequest out;
                try {
                    out = request(u, route, key.map(k -> k.secret().reveal()).or(req::clientKey));
                } catch (Unroutable e) {
                    dropHeld();
                    return req.reject.apply(OpenAiError.invalidParameter(e.getMessage(), "deployment_required").response());
                } catch (IllegalArgumentException badUri) {
                    dropHeld();
                    return req.reject.apply(OpenAiError.invalidParameter("The request URL could not be relayed.", "invalid_url").response());
                }
                dropHeld();
                sent++;
                return send(u, key, out, remaining.compareTo(firstByteTimeout) < 0 ? remaining : firstByteTimeout);
            }
            if (held != null) {
                Held h = held;
                held = null;
                return deliver(h.response(), h.upstream(), h.via());
            }
            if (lastError != null) return CompletableFuture.failedFuture(lastError);
            if (refusal != null) return req.reject.apply(refusal);
            return CompletableFuture.failedFuture(new UpstreamFailure.Exception(new UpstreamFailure.FirstByteTimeout(totalTimeout.toMillis())));
        }

        private CompletionStage<HttpResponse> send(Upstream u, Optional<KeySnapshot.KeyState> key, HttpRequest out, Duration deadline) {
            if (countsInFlight) inFlight.incrementAndGet(u.index());
            String via = via(u, key);
            return client.send(out, deadline).handle((response, error) -> {
                if (error != null) {
                    if (countsInFlight) inFlight.decrementAndGet(u.index());
                    Throwable cause = unwrap(error);
                    if (!upstreamDown(cause)) return CompletableFuture.<HttpResponse>failedFuture(cause);
                    failed(u);
                    lastError = cause;
                    if (!canRetry()) return CompletableFuture.<HttpResponse>failedFuture(cause);
                    LOG.info("request_id={} upstream {} failed before answering ({}); trying the next one", req.ex.requestId(),
                            u.name(), cause instanceof UpstreamFailure.Exception f ? f.failure().describe() : "connection failed");
                    advance();
                    return next();
                }
                lastError = null;
                int status = response.status().intValue();
                key.ifPresent(k -> report(u, k, status, response));
                if (status >= 500) failed(u); else succeeded(u);
                boolean keyProblem = status == 429 || (status == 401 && key.isPresent());
                if ((keyProblem || status >= 500) && canRetry()) {
                    held = new Held(response, u, via);
                    // Another key of the same upstream for a key's problem, or for a 5xx when no other upstream is left.
                    boolean lastCandidate = candidate == candidates.size() - 1;
                    if ((keyProblem || lastCandidate) && key.isPresent()) {
                        triedKeys.add(key.get().index());
                        lastKey = Optional.of(key.get().index());
                    } else {
                        advance();
                    }
                    LOG.info("request_id={} upstream {} answered {} with key {}; trying again elsewhere", req.ex.requestId(),
                            u.name(), status, key.map(KeySnapshot.KeyState::alias).orElse("client"));
                    return next();
                }
                return deliver(response, u, via);
            }).thenCompose(Function.identity());
        }

        private CompletionStage<HttpResponse> deliver(HttpResponse response, Upstream u, String via) {
            CompletionStage<HttpResponse> upstream = u.azure() && response.status().intValue() >= 400
                    ? azureError(response)
                    : CompletableFuture.completedFuture(response);
            Exchange ex = clientModel.isPresent() && req.ex.model().isEmpty()
                    ? req.ex.withModeration(req.ex.dialect(), req.ex.level(), clientModel)
                    : req.ex;
            CompletionStage<HttpResponse> shaped = upstream.thenCompose(r -> req.shaper.shape(r, ex, via));
            if (!countsInFlight) return shaped;
            return shaped.handle((r, e) -> {
                if (e != null) {
                    inFlight.decrementAndGet(u.index());
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                }
                // Counted down once the client's body has been sent (ClientBody runs the exchange's BodyEnd).
                ex.bodyEnd().add(() -> inFlight.decrementAndGet(u.index()));
                return r;
            });
        }

        private HttpRequest request(Upstream u, Route route, Optional<String> credential) {
            String url;
            if (u.azure()) {
                AzurePaths.Result r = AzurePaths.translate(req.ex.path(), Optional.ofNullable(route.upstreamModel()),
                        u.endpoint().apiVersion());
                if (r instanceof AzurePaths.Result.Unsupported un) throw new Unroutable(un.message());
                url = u.endpoint().origin() + ((AzurePaths.Result.Path) r).pathAndQuery();
            } else {
                url = u.openAiUrl(req.ex.path());
            }
            List<HttpHeader> headers = new ArrayList<>(req.headers.size() + 1);
            headers.addAll(req.headers);
            credential.ifPresent(k -> headers.add(u.credential(k)));
            return HttpRequest.create().withMethod(req.method).withUri(akka.http.javadsl.model.Uri.create(url)).withHeaders(headers)
                    .withEntity(entityFor(route));
        }

        /** The body, with {@code model} renamed when this upstream knows the model by another name. */
        private RequestEntity entityFor(Route route) {
            if (route.upstreamModel() != null && clientModel.isPresent() && !route.upstreamModel().equals(clientModel.get())
                    && body instanceof UpstreamBody.Bytes b && isJson(b.contentType())) {
                return new UpstreamBody.Bytes(b.contentType(), BodyModel.withModel(b.bytes(), route.upstreamModel())).entity();
            }
            return body.entity();
        }

        private boolean canRetry() {
            return body.replayable() && sent < routing.maxAttempts() && remaining().compareTo(Duration.ZERO) > 0;
        }

        private void advance() {
            candidate++;
            lastKey = Optional.empty();
            triedKeys.clear();
        }

        private void dropHeld() {
            if (held == null) return;
            client.discard(held.response());
            if (countsInFlight) inFlight.decrementAndGet(held.upstream().index());
            held = null;
        }

        private Duration remaining() {
            return totalTimeout.minusNanos(System.nanoTime() - req.ex.startNanos());
        }
    }

    private String via(Upstream u, Optional<KeySnapshot.KeyState> key) {
        String alias = key.map(KeySnapshot.KeyState::alias).orElse("client");
        return routing.declared() ? u.name() + "/" + alias : alias;
    }

    private static HttpResponse refusalOf(KeySnapshot.Pick pick) {
        if (pick instanceof KeySnapshot.Pick.AllCooling c) {
            return OpenAiError.allKeysCooling(c.retryAfterSeconds()).response(c.retryAfterSeconds());
        }
        return OpenAiError.noUsableKey().response();
    }

    private static void report(Upstream u, KeySnapshot.KeyState key, int status, HttpResponse response) {
        if (status == 429) {
            u.keys().get().rateLimited(key.index(),
                    response.getHeader("Retry-After").flatMap(h -> RetryAfter.until(h.value(), Instant.now())));
        } else if (status == 401) {
            u.keys().get().rejected(key.index());
        }
    }

    private void failed(Upstream u) {
        healthActor.ifPresent(a -> a.tell(new UpstreamHealth.Failed(u.index())));
    }

    /** Tells the health actor only when a success changes something: most requests cost no message. */
    private void succeeded(Upstream u) {
        if (healthActor.isPresent() && !health.get().clean(u.index())) healthActor.get().tell(new UpstreamHealth.Succeeded(u.index()));
    }

    private CompletionStage<HttpResponse> azureError(HttpResponse response) {
        int status = response.status().intValue();
        return response.entity().toStrict(firstByteTimeout.toMillis(), MAX_ERROR_BYTES, materializer)
                .handle((strict, e) -> {
                    if (e != null) response.entity().getDataBytes().runWith(akka.stream.javadsl.Sink.cancelled(), materializer);
                    byte[] bytes = e == null ? strict.getData().toArray() : new byte[0];
                    return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, AzureErrors.normalize(status, bytes)));
                });
    }

    private HttpResponse modelsAnswer(Exchange ex, String path) {
        ModelList list = models.get();
        HttpResponse r;
        if (path.equals("/v1/models")) {
            r = HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, list.json()));
        } else {
            String id = java.net.URLDecoder.decode(path.substring("/v1/models/".length()), java.nio.charset.StandardCharsets.UTF_8);
            r = list.one(id)
                    .map(json -> HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json)))
                    .orElseGet(() -> new OpenAiError(StatusCodes.NOT_FOUND, "The model '" + id + "' does not exist on this relay.",
                            "invalid_request_error", "model_not_found").response());
        }
        AccessLog.log(ex, r.status().intValue(), r.entity().getContentLengthOption().orElse(0), "ok", "relay");
        return r.addHeader(RawHeader.create("X-Request-Id", ex.requestId()));
    }

    private static boolean upstreamDown(Throwable e) {
        return e instanceof StreamTcpException || e instanceof java.net.ConnectException
                || (e instanceof UpstreamFailure.Exception f && f.failure() instanceof UpstreamFailure.FirstByteTimeout);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static boolean isJson(ContentType ct) {
        String m = ct.mediaType().toString().toLowerCase(Locale.ROOT);
        return m.equals("application/json") || m.endsWith("+json");
    }


    /** The request cannot be expressed for the chosen upstream (an Azure deployment path without a model). */
    private static final class Unroutable extends RuntimeException {
        Unroutable(String message) {
            super(message, null, false, false);
        }
    }
}
