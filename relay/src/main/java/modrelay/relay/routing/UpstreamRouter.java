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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router between the relay and its upstreams: picks the upstreams that serve the request's model
 * and orders them (priority, weights, strategy, health); {@link Attempts} then tries them in turn as
 * {@link RetryPolicy} decides, always before any byte reached the client.
 *
 * <p>State lives elsewhere: keys in each upstream's {@link KeyPool}, health in {@link UpstreamHealth},
 * the model list in {@link ModelCatalog}; the router reads their snapshots and only reports outcomes.
 */
public final class UpstreamRouter {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRouter.class);

    /**
     * Everything a request routes by, built together for one upstream list and published as one value: a request reads
     * it once and keeps it to its end, so a live change never mixes two lists' indices in one request.
     */
    record Generation(long number, RoutingSettings routing, RoutingTable table, Strategy strategy, Attempts.Shared shared,
            Optional<ModelsEndpoint> models, Optional<ActorRef<UpstreamHealth.Command>> healthActor,
            Optional<ActorRef<ModelCatalog.Command>> catalog, boolean hasServerKeys) {}

    private final Settings settings;
    private final ActorSystem<?> system;
    private final UpstreamClient client;
    private final BiConsumer<String, KeyPoolClient> keyPools;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final RoutingState state;

    private UpstreamRouter(Settings settings, ActorSystem<?> system, UpstreamClient client, BiConsumer<String, KeyPoolClient> keyPools) {
        this.settings = settings;
        this.system = system;
        this.client = client;
        this.keyPools = keyPools;
        this.state = new RoutingState(() -> current.get().shared().health().get(),
                () -> current.get().models().map(ModelsEndpoint::list).orElse(ModelList.of(List.of(), List.of())),
                () -> current.get().table().upstreams());
    }

    /** Upstream health and the model list as the background actors last published them. */
    public RoutingState state() {
        return state;
    }

    /** The relay's own {@code GET /v1/models}, when upstreams are declared (else those requests go upstream). */
    public Optional<ModelsEndpoint> models() {
        return current.get().models();
    }

    /** What requests route by now (tests). */
    Generation generation() {
        return current.get();
    }

    /** The upstreams requests are routed over now, in configuration order. */
    public List<UpstreamEndpoint> upstreams() {
        return current.get().table().upstreams();
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
        UpstreamRouter router = new UpstreamRouter(settings, system, client, keyPools);
        router.current.set(router.build(0, settings.routing(), Optional.empty()));
        return router;
    }

    /**
     * Replaces the upstreams without a restart (live configuration): the next request routes over {@code upstreams};
     * requests already routing keep the list they started with. An upstream that is still there with the same
     * address and keys keeps its key pool (cooldowns, quarantines) and its health; the pools of upstreams removed or
     * re-keyed end once requests that may still report to them are over. Serialised: edits and refreshes may race.
     *
     * @param declared whether the relay answers {@code GET /v1/models} itself (as with UPSTREAMS)
     * @return whether anything changed (an identical list is a no-op)
     */
    public synchronized boolean reconfigure(List<UpstreamEndpoint> upstreams, boolean declared) {
        Generation old = current.get();
        if (old.table().upstreams().equals(upstreams) && old.routing().declared() == declared) return false;
        Generation next = build(old.number() + 1, old.routing().withUpstreams(upstreams, declared), Optional.of(old));
        current.set(next);
        old.healthActor().ifPresent(a -> a.tell(new UpstreamHealth.Stop()));
        old.catalog().ifPresent(a -> a.tell(new ModelCatalog.Stop()));
        List<KeyPoolClient> kept = next.shared().upstreams().stream().flatMap(u -> u.keys().stream()).toList();
        List<KeyPoolClient> gone = old.shared().upstreams().stream().flatMap(u -> u.keys().stream())
                .filter(p -> kept.stream().noneMatch(k -> k == p)).toList();
        if (!gone.isEmpty()) {
            // A request that picked one of these keys reports its 429/401 to the pool until its answer is in.
            system.scheduler().scheduleOnce(settings.upstream().totalTimeout().plusSeconds(5),
                    () -> gone.forEach(KeyPoolClient::stop), system.executionContext());
        }
        state.changed();
        LOG.info("upstreams now {} (configuration {})", upstreams.stream().map(UpstreamEndpoint::name).toList(), next.number());
        return true;
    }

    /** Same address, kind and keys: the same upstream as far as its keys' and health's state goes. */
    private static boolean sameTarget(UpstreamEndpoint a, UpstreamEndpoint b) {
        return a.name().equals(b.name()) && a.kind() == b.kind() && a.origin().equals(b.origin()) && a.apiRoot().equals(b.apiRoot())
                && a.apiVersion().equals(b.apiVersion()) && a.keys().equals(b.keys());
    }

    private Generation build(long number, RoutingSettings routing, Optional<Generation> previous) {
        List<UpstreamEndpoint> endpoints = routing.upstreams();
        List<Upstream> upstreams = new ArrayList<>();
        List<HealthSnapshot.State> carried = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            UpstreamEndpoint e = endpoints.get(i);
            Optional<Upstream> before = previous.flatMap(g -> g.shared().upstreams().stream()
                    .filter(u -> sameTarget(u.endpoint(), e)).findFirst());
            Optional<KeyPoolClient> keys = before.flatMap(Upstream::keys);
            if (keys.isEmpty() && e.hasServerKeys()) {
                String actor = (routing.declared() ? "key-pool-" + i : "key-pool") + (number == 0 ? "" : "-g" + number);
                keys = Optional.of(KeyPoolClient.start(system, actor, e.keys(),
                        new ModelsKeyProbe(client, e, settings.upstream().firstByteTimeout(), Materializer.matFromSystem(system)),
                        settings.upstream().keyCooldown()));
                keyPools.accept(e.name(), keys.get());
            }
            carried.add(before.map(u -> previous.get().shared().health().get().states().get(u.index()))
                    .orElse(HealthSnapshot.State.HEALTHY));
            upstreams.add(new Upstream(i, e, keys));
        }
        String suffix = number == 0 ? "" : "-" + number;
        Materializer materializer = Materializer.matFromSystem(system);
        BackgroundCalls calls = new BackgroundCalls(upstreams, client, settings.upstream().firstByteTimeout(), materializer);
        AtomicReference<HealthSnapshot> health = new AtomicReference<>(HealthSnapshot.allUp(upstreams.size()));
        AtomicReference<ModelList> modelList = new AtomicReference<>(ModelList.of(List.of(), List.of()));
        Optional<ActorRef<UpstreamHealth.Command>> healthActor = Optional.empty();
        if (upstreams.size() > 1) {
            // With one upstream there is nowhere else to go: it keeps its traffic, as before.
            healthActor = Optional.of(system.systemActorOf(UpstreamHealth.create(endpoints.stream().map(UpstreamEndpoint::name).toList(),
                    routing.failureThreshold(), routing.cooldown(), calls, health, s -> state.changed(), new HealthSnapshot(carried)),
                    "upstream-health" + suffix, Props.empty()));
        }
        Optional<ModelsEndpoint> models = Optional.empty();
        Optional<ActorRef<ModelCatalog.Command>> catalog = Optional.empty();
        if (routing.declared()) {
            catalog = Optional.of(system.systemActorOf(ModelCatalog.create(new RoutingTable(endpoints), calls, routing.modelsRefresh(),
                    modelList, state::changed), "model-catalog" + suffix, Props.empty()));
            models = Optional.of(new ModelsEndpoint(modelList));
        }
        Strategy strategy = new Strategy(Strategy.kindOf(routing.strategy()), endpoints, ThreadLocalRandom::current);
        Attempts.Shared shared = new Attempts.Shared(List.copyOf(upstreams), client, routing.maxAttempts(), routing.declared(),
                settings.upstream().firstByteTimeout(), settings.upstream().totalTimeout(), health, healthActor,
                new AtomicIntegerArray(upstreams.size()), strategy.kind() == Strategy.Kind.LEAST_IN_FLIGHT, materializer,
                Clock.systemUTC());
        return new Generation(number, routing, new RoutingTable(endpoints), strategy, shared, models, healthActor, catalog,
                routing.hasServerKeys());
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
        Generation g = current.get();
        RoutingTable table = g.table();
        String path = ex.pathOnly();
        Optional<String> pin = ex.inbound().admission().pinnedUpstream();
        if (pin.isPresent()) return pinned(g, req, ex, body, path, pin.get());
        if (table.trivial()) {
            return attempt(g, req, body, ex.model(), List.of(new Route(0, ex.model().orElse(null))));
        }
        if (path.startsWith("/openai/")) {
            Optional<String> deployment = AzurePaths.deploymentOf(path);
            List<Route> azure = deployment.map(table::azureCandidates).orElse(List.of());
            if (azure.isEmpty()) azure = List.of(new Route(0, null));
            return attempt(g, req, body, Optional.empty(), ordered(g, azure));
        }
        // The model comes from the canonical request: the router never reads a body.
        return route(g, req, new ModelRead(body, ex.model(), ex.model().isEmpty() && streamedForm(body)));
    }

    /**
     * A key bound to one upstream: only that one is tried, under the name its routes give the model. An upstream the
     * relay does not have, or one that does not serve the model, is a refusal, never a quiet fallback elsewhere.
     */
    private CompletionStage<Routed> pinned(Generation g, Attempts.Request req, Exchange ex, UpstreamBody body, String path,
            String name) {
        RoutingTable table = g.table();
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
        return attempt(g, req, body, ex.model(), List.of(route));
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
        return current.get().table().modelOfDeployment(deployment);
    }

    /** Whether any upstream holds server-side keys. */
    public boolean hasServerKeys() {
        return current.get().hasServerKeys();
    }

    private CompletionStage<Routed> route(Generation g, Attempts.Request req, ModelRead read) {
        RoutingTable table = g.table();
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
        return attempt(g, req, read.body(), read.model(), ordered(g, candidates));
    }

    /**
     * The attempts for these candidates: one after another, or with the {@code parallel} strategy the first
     * {@code MAX_ATTEMPTS} raced at once when the body can be sent more than once (each entrant keeps its own
     * key retries; see {@link Race}).
     */
    private CompletionStage<Routed> attempt(Generation g, Attempts.Request req, UpstreamBody body, Optional<String> model,
            List<Route> routes) {
        Attempts.Shared shared = g.shared();
        if (g.strategy().kind() != Strategy.Kind.PARALLEL || routes.size() < 2 || !body.replayable()) {
            return new Attempts(shared, req, body, model, routes).run();
        }
        List<CompletionStage<Routed>> entrants = new ArrayList<>();
        for (Route r : routes.subList(0, Math.min(routes.size(), g.routing().maxAttempts()))) {
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
    private List<Route> ordered(Generation g, List<Route> candidates) {
        List<Route> ordered = g.strategy().order(candidates, g.shared().inFlight()::get);
        HealthSnapshot h = g.shared().health().get();
        List<Route> up = new ArrayList<>(ordered.size());
        for (Route r : ordered) if (h.up(r.upstream())) up.add(r);
        return up.isEmpty() ? ordered : up;
    }
}
