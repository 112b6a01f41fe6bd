package modrelay.relay.routing;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.stream.Materializer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import modrelay.config.RoutingSettings;
import modrelay.config.Settings;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.UpstreamBody;
import modrelay.relay.routing.RoutingTable.Route;
import modrelay.relay.upstream.KeyPool;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.ModelsKeyProbe;
import modrelay.relay.upstream.UpstreamClient;

/**
 * The router between the relay and its upstreams: picks the upstreams that serve the request's model
 * and orders them (priority, weights, strategy, health); {@link Attempts} then tries them in turn as
 * {@link RetryPolicy} decides, always before any byte reached the client.
 *
 * <p>State lives elsewhere: keys in each upstream's {@link KeyPool}, health in {@link UpstreamHealth},
 * the model list in {@link ModelCatalog}; the router reads their snapshots and only reports outcomes.
 */
public final class UpstreamRouter {
    private final RoutingSettings routing;
    private final RoutingTable table;
    private final Strategy strategy;
    private final AtomicReference<HealthSnapshot> health;
    private final RoutingState state;
    private final Optional<ModelsEndpoint> models;
    private final boolean hasServerKeys;
    private final Attempts.Shared shared;

    UpstreamRouter(Settings settings, Strategy strategy, RoutingState state, Optional<ModelsEndpoint> models,
            Attempts.Shared shared) {
        this.routing = settings.routing();
        this.table = new RoutingTable(routing.upstreams());
        this.strategy = strategy;
        this.health = shared.health();
        this.state = state;
        this.models = models;
        this.shared = shared;
        this.hasServerKeys = routing.hasServerKeys(); // asked on every request; the upstreams never change
    }

    /** Upstream health and the model list as the background actors last published them. */
    public RoutingState state() {
        return state;
    }

    /** The relay's own {@code GET /v1/models}, when upstreams are declared (else those requests go upstream). */
    public Optional<ModelsEndpoint> models() {
        return models;
    }

    /**
     * Starts the routing actors, each in one place: a key pool per upstream that holds keys, the health
     * actor (several upstreams) and the model catalog (declared upstreams).
     *
     * @param keyPools told of each key pool started here (by upstream name), so its state can be published as metrics
     *                 and shown by the admin API
     */
    public static UpstreamRouter start(Settings settings, ActorSystem<?> system, UpstreamClient client,
            BiConsumer<String, KeyPoolClient> keyPools) {
        RoutingSettings routing = settings.routing();
        List<UpstreamEndpoint> endpoints = routing.upstreams();
        List<Upstream> upstreams = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            UpstreamEndpoint e = endpoints.get(i);
            Optional<KeyPoolClient> keys = Optional.empty();
            if (e.hasServerKeys()) {
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
        AtomicReference<ModelList> modelList = new AtomicReference<>(ModelList.of(List.of(), List.of()));
        RoutingState state = new RoutingState(health, modelList);
        Optional<ActorRef<UpstreamHealth.Command>> healthActor = Optional.empty();
        if (upstreams.size() > 1) {
            // With one upstream there is nowhere else to go: it keeps its traffic, as before.
            healthActor = Optional.of(system.systemActorOf(UpstreamHealth.create(endpoints.stream().map(UpstreamEndpoint::name).toList(),
                    routing.failureThreshold(), routing.cooldown(), calls, health, s -> state.changed()), "upstream-health",
                    Props.empty()));
        }
        Optional<ModelsEndpoint> models = Optional.empty();
        if (routing.declared()) {
            system.systemActorOf(ModelCatalog.create(new RoutingTable(endpoints), calls, routing.modelsRefresh(), modelList,
                    state::changed), "model-catalog", Props.empty());
            models = Optional.of(new ModelsEndpoint(modelList));
        }
        Strategy strategy = new Strategy(Strategy.kindOf(routing.strategy()), endpoints, ThreadLocalRandom::current);
        Attempts.Shared shared = new Attempts.Shared(List.copyOf(upstreams), client, routing.maxAttempts(), routing.declared(),
                settings.upstream().firstByteTimeout(), settings.upstream().totalTimeout(), health, healthActor,
                new AtomicIntegerArray(upstreams.size()), strategy.kind() == Strategy.Kind.LEAST_IN_FLIGHT, materializer,
                Clock.systemUTC());
        return new UpstreamRouter(settings, strategy, state, models, shared);
    }

    /**
     * Sends the request to the upstreams that serve it until one answers or the retry policy gives up.
     *
     * @param headers   the client's headers that may go upstream (credentials already removed)
     * @param clientKey the upstream key the client brought, used where an upstream holds none
     * @return the answer to shape or the router's refusal; fails when no upstream answered at all
     */
    public CompletionStage<Routed> forward(HttpMethod method, Exchange ex, UpstreamBody body, List<HttpHeader> headers,
            Optional<String> clientKey) {
        Attempts.Request req = new Attempts.Request(method, ex, headers, clientKey);
        String path = ex.pathOnly();
        Optional<String> pin = ex.inbound().admission().pinnedUpstream();
        if (pin.isPresent()) return pinned(req, ex, body, path, pin.get());
        if (table.trivial()) {
            return attempt(req, body, ex.model(), List.of(new Route(0, ex.model().orElse(null))));
        }
        if (path.startsWith("/openai/")) {
            Optional<String> deployment = AzurePaths.deploymentOf(path);
            List<Route> azure = deployment.map(table::azureCandidates).orElse(List.of());
            if (azure.isEmpty()) azure = List.of(new Route(0, null));
            return attempt(req, body, Optional.empty(), ordered(azure));
        }
        // The model comes from the canonical request: the router never reads a body.
        return route(req, new ModelRead(body, ex.model(), ex.model().isEmpty() && streamedForm(body)));
    }

    /**
     * A key bound to one upstream: only that one is tried, under the name its routes give the model. An upstream the
     * relay does not have, or one that does not serve the model, is a refusal, never a quiet fallback elsewhere.
     */
    private CompletionStage<Routed> pinned(Attempts.Request req, Exchange ex, UpstreamBody body, String path, String name) {
        int index = -1;
        for (int i = 0; i < table.upstreams().size(); i++) if (table.upstreams().get(i).name().equals(name)) index = i;
        if (index < 0) {
            return refused(new OpenAiError(StatusCodes.FORBIDDEN, "This key is bound to an upstream this relay does not have; "
                    + "ask the relay's operator.", "invalid_request_error", "upstream_not_available"));
        }
        Route route;
        if (path.startsWith("/openai/")) {
            route = new Route(index, AzurePaths.deploymentOf(path).orElse(null));
        } else if (ex.model().isPresent()) {
            Optional<Route> r = table.route(index, ex.model().get());
            if (r.isEmpty()) {
                return refused(new OpenAiError(StatusCodes.NOT_FOUND, "The model '" + ex.model().get()
                        + "' is not served by the upstream this key is bound to.", "invalid_request_error", "model_not_found"));
            }
            route = r.get();
        } else {
            route = new Route(index, null);
        }
        return attempt(req, body, ex.model(), List.of(route));
    }

    /** A body and the model the request names; {@code streamedUpload}: a form that streams before its model is known. */
    private record ModelRead(UpstreamBody body, Optional<String> model, boolean streamedUpload) {}

    /** A form the relay streams through unread: its model is not known before it is sent. */
    private static boolean streamedForm(UpstreamBody body) {
        return body instanceof UpstreamBody.Streamed s && !s.replayable()
                && s.entity().getContentType().mediaType().equals(MediaTypes.MULTIPART_FORM_DATA);
    }

    /** See {@link RoutingTable#modelOfDeployment}: the client-facing model behind an Azure deployment a client names in its path. */
    public String modelOfDeployment(String deployment) {
        return table.modelOfDeployment(deployment);
    }

    /** Whether any upstream holds server-side keys. */
    public boolean hasServerKeys() {
        return hasServerKeys;
    }

    private CompletionStage<Routed> route(Attempts.Request req, ModelRead read) {
        List<Route> candidates;
        if (read.model().isPresent()) {
            candidates = table.candidates(read.model().get());
            if (candidates.isEmpty()) {
                return refused(new OpenAiError(StatusCodes.NOT_FOUND, "The model '" + read.model().get()
                        + "' is not served by this relay: no upstream is configured for it.", "invalid_request_error",
                        "model_not_found"));
            }
        } else if (read.streamedUpload()) {
            // The form streams through unread: only an upstream that serves every model can take it without knowing the model.
            Optional<Integer> any = table.servingEverything();
            if (any.isEmpty()) {
                return refused(OpenAiError.invalidParameter("This relay routes requests by model, and the model of a "
                        + "large streamed upload cannot be read before it is sent; no upstream serves every model (\"*\").",
                        "model_routing_unavailable"));
            }
            candidates = List.of(new Route(any.get(), null));
        } else {
            // No model (GET /v1/files, ...): the first declared upstream, as files and batches live there.
            candidates = List.of(new Route(0, null));
        }
        return attempt(req, read.body(), read.model(), ordered(candidates));
    }

    /**
     * The attempts for these candidates: one after another, or with the {@code parallel} strategy the first
     * {@code MAX_ATTEMPTS} raced at once when the body can be sent more than once (each entrant keeps its own
     * key retries; see {@link Race}).
     */
    private CompletionStage<Routed> attempt(Attempts.Request req, UpstreamBody body, Optional<String> model, List<Route> routes) {
        if (strategy.kind() != Strategy.Kind.PARALLEL || routes.size() < 2 || !body.replayable()) {
            return new Attempts(shared, req, body, model, routes).run();
        }
        List<CompletionStage<Routed>> entrants = new ArrayList<>();
        for (Route r : routes.subList(0, Math.min(routes.size(), routing.maxAttempts()))) {
            entrants.add(new Attempts(shared, req, body, model, List.of(r)).run());
        }
        return new Race<>(entrants,
                r -> r instanceof Routed.Answered a && a.response().status().intValue() < 400,
                r -> r instanceof Routed.Answered,
                r -> {
                    if (r instanceof Routed.Answered a) shared.client().discard(a.response());
                }).run();
    }

    private static CompletionStage<Routed> refused(OpenAiError error) {
        return CompletableFuture.completedFuture(new Routed.Refused(error.response()));
    }

    /** Strategy order, then upstreams out of rotation left out, unless that leaves none (then all are tried anyway). */
    private List<Route> ordered(List<Route> candidates) {
        List<Route> ordered = strategy.order(candidates, shared.inFlight()::get);
        HealthSnapshot h = health.get();
        List<Route> up = new ArrayList<>(ordered.size());
        for (Route r : ordered) if (h.up(r.upstream())) up.add(r);
        return up.isEmpty() ? ordered : up;
    }
}
