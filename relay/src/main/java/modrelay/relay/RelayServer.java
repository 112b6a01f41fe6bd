package modrelay.relay;

import modrelay.relay.admin.UsageRoutes;
import modrelay.relay.usage.UsageAccounting;
import modrelay.relay.usage.UsageRecorder;
import modrelay.relay.usage.UsageStore;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.Materializer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import modrelay.config.Settings;
import modrelay.moderation.Moderator;
import modrelay.moderation.Policy;
import modrelay.relay.access.Access;
import modrelay.relay.access.AccessOptions;
import modrelay.relay.access.Cidr;
import modrelay.relay.server.ConnectionScope;
import modrelay.relay.server.Edge;
import modrelay.relay.admin.AdminRoutes;
import modrelay.relay.admin.AdminSources;
import modrelay.relay.http.Cors;
import modrelay.relay.http.Routes;
import modrelay.relay.live.LiveUpstreams;
import modrelay.relay.observability.Observability;
import modrelay.relay.pipeline.ProxyHandler;
import modrelay.relay.routing.RoutingState;
import modrelay.relay.routing.UpstreamRouter;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.UpstreamClient;
import modrelay.relay.upstream.UpstreamKeys;

/**
 * A running relay: its actor system, the key pool, the binding. {@link #start} wires everything;
 * {@link #stop} (and SIGTERM, through coordinated shutdown) stops accepting, lets running streams
 * finish up to SHUTDOWN_DEADLINE, then ends them.
 */
public final class RelayServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RelayServer.class);
    private final ActorSystem<Void> system;
    private final Edge binding;
    private final Optional<Moderator> moderator;
    private final RoutingState routing;

    private RelayServer(ActorSystem<Void> system, Edge binding, Optional<Moderator> moderator, RoutingState routing) {
        this.system = system;
        this.binding = binding;
        this.moderator = moderator;
        this.routing = routing;
    }

    /** Upstream health and the model list, as the relay's background actors last published them. */
    public RoutingState routing() {
        return routing;
    }

    /** Starts a relay with its own actor system; completes when it is listening. */
    public static CompletionStage<RelayServer> start(Settings settings) {
        return start(settings, AccessOptions.fromProcess());
    }

    /** As {@link #start(Settings)}, with the clock and the source of POST /admin/reload given (tests, embedding). */
    public static CompletionStage<RelayServer> start(Settings settings, AccessOptions accessOptions) {
        return start(settings, accessOptions, "modrelay");
    }

    /**
     * As above, with the actor system (and so its threads) named {@code systemName}: two relays in one JVM
     * (the usage benchmark's twin relays) can then be told apart by thread.
     */
    public static CompletionStage<RelayServer> start(Settings settings, AccessOptions accessOptions, String systemName) {
        OpenRelayCheck.refuseUnlessAllowed(settings);
        Observability observability = Observability.start(settings);
        Optional<Moderator> moderator = Moderators.fromSettings(settings.moderation()).map(observability::meter);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), systemName,
                AkkaConfig.from(settings).withFallback(com.typesafe.config.ConfigFactory.load()));
        try {
            warnAboutExposure(settings, system);
            return bind(settings, system, moderator, accessOptions, observability);
        } catch (RuntimeException e) {
            system.terminate();
            observability.close(java.time.Duration.ofSeconds(5));
            throw e;
        }
    }

    /** An open relay (allowed) is said at start and every hour; short proxy keys once, by name. */
    private static void warnAboutExposure(Settings settings, ActorSystem<Void> system) {
        List<String> shortKeys = OpenRelayCheck.shortProxyKeys(settings.access());
        if (!shortKeys.isEmpty()) {
            LOG.warn("PROXY_KEY {} shorter than {} characters: easy to guess; use long random keys (they keep working)",
                    String.join(", ", shortKeys) + (shortKeys.size() == 1 ? " is" : " are"), OpenRelayCheck.MIN_PROXY_KEY_LENGTH);
        }
        if (!OpenRelayCheck.open(settings)) return;
        LOG.warn(OpenRelayCheck.OPEN_WARNING);
        system.scheduler().scheduleAtFixedRate(java.time.Duration.ofHours(1), java.time.Duration.ofHours(1),
                () -> LOG.warn(OpenRelayCheck.OPEN_WARNING), system.executionContext());
    }

    /** Each client connection's scope: the upstream connections paired with it (none when pairing is off). */
    private static ConnectionScope pairedScope(UpstreamClient client) {
        return client.pairsForClientConnection().<ConnectionScope>map(pairs -> new ConnectionScope() {
            @Override
            public akka.http.javadsl.model.HttpRequest enter(akka.http.javadsl.model.HttpRequest request) {
                return pairs.enter(request);
            }

            @Override
            public void close() {
                pairs.close();
            }
        }).orElse(ConnectionScope.NONE);
    }

    private static CompletionStage<RelayServer> bind(Settings settings, ActorSystem<Void> system, Optional<Moderator> moderator,
            AccessOptions accessOptions, Observability observability) {
        Access access = Access.start(settings.access(), system, accessOptions);
        Optional<UsageStore> usageStore = settings.usage().enabled() ? access.store().map(UsageStore::new) : Optional.empty();
        Optional<UsageRecorder> usageRecorder = usageStore.map(st -> new UsageRecorder(st, settings.usage().queueSize(),
                settings.usage().flushInterval(), observability.metrics()::usageDropped));
        observability.useUsage(new UsageAccounting(settings.usage(), usageRecorder, observability.metrics(), java.time.Clock.systemUTC()));
        UpstreamKeys upstreamKeys = new UpstreamKeys();
        UpstreamClient upstreamClient = new UpstreamClient(system, settings.upstream());
        observability.metrics().watchPairedConnections(upstreamClient::pairedConnections);
        observability.metrics().watchHttp2Connections(upstreamClient::http2Connections);
        Policy policy = new Policy(Policy.parseLevel(settings.moderation().defaultLevel()),
                Policy.parseLevel(settings.moderation().minLevel()));
        // Upstreams stored in the database (live configuration) replace the environment's from the start.
        LiveUpstreams.Prepared upstreams = LiveUpstreams.prepare(settings, access.store());
        UpstreamRouter router = UpstreamRouter.start(upstreams.settings(), system, upstreamClient,
                (name, pool) -> registerKeys(upstreamKeys, observability, name, pool));
        Optional<LiveUpstreams> live = LiveUpstreams.attach(upstreams, router, system,
                now -> upstreamKeys.retain(now.stream().map(modrelay.config.UpstreamEndpoint::name)
                        .collect(java.util.stream.Collectors.toSet())));
        ProxyHandler proxy = new ProxyHandler(settings, access.guard(), router, policy, moderator, Materializer.matFromSystem(system),
                observability);
        AtomicBoolean ready = new AtomicBoolean(true);
        Routes routes = new Routes(settings.server().routePrefix(), proxy, new Cors(settings.server().corsOrigins()), ready::get,
                access.ipGate(), new AdminRoutes(settings.access().adminToken(), access.subKeys(), moderator.isPresent(),
                        Materializer.matFromSystem(system), upstreamKeys, system.scheduler(),
                        Optional.of(new AdminSources(upstreams.settings(), observability, router.state())))
                        .withUsage(new UsageRoutes(usageStore, usageRecorder, java.time.Clock.systemUTC()))
                        .withUpstreams(live, router.state())
                        .route().seal().handler(system), observability);

        CoordinatedShutdown cs = CoordinatedShutdown.get(system);
        cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "readiness-off", () -> {
            ready.set(false);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        // The chat log closes after the binding has drained (service-requests-done), so the last exchanges are in it.
        observability.closeOnShutdown(system, java.time.Duration.ofSeconds(5));
        cs.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-moderator", () -> {
            moderator.ifPresent(Moderator::close);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        // Usage records of the last exchanges are written after the binding has drained, before the store closes.
        cs.addTask(CoordinatedShutdown.PhaseServiceStop(), "flush-usage", () -> CompletableFuture.runAsync(
                () -> usageRecorder.ifPresent(UsageRecorder::close)).thenApply(done -> Done.getInstance()));
        cs.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-access-store", () -> {
            access.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });

        return Edge.bind(system, settings.server().host(), settings.server().port(), routes, settings.safety(),
                        AkkaConfig.serverIdleTimeout(settings), trustedProxies(settings), () -> pairedScope(upstreamClient))
                .thenApply(edge -> {
                    drainOnShutdown(cs, edge, proxy, settings.server().shutdownDeadline());
                    return new RelayServer(system, edge, moderator, router.state());
                })
                .whenComplete((server, error) -> {
                    if (error != null) system.terminate();
                });
    }

    /** TRUSTED_PROXIES carry many clients' connections: not capped per address. */
    private static java.util.function.Predicate<java.net.InetAddress> trustedProxies(Settings settings) {
        List<Cidr> ranges = settings.access().trustedProxies().stream().map(Cidr::parse).flatMap(Optional::stream).toList();
        return address -> ranges.stream().anyMatch(r -> r.contains(address.getAddress()));
    }

    private static void registerKeys(UpstreamKeys all, Observability observability, String upstream, KeyPoolClient pool) {
        all.add(upstream, pool);
        observability.metrics().watchKeys(upstream, pool::snapshot);
    }

    /**
     * SIGTERM: readiness off and kept-alive connections told to go (503 + Connection: close for a new
     * exchange, Connection: close on every response), stop accepting, let running exchanges (streams
     * included) finish until the deadline, end the event streams still running with a final SSE error
     * event, then close what is left. Akka's {@code addToCoordinatedShutdown} would count a stream as
     * done once its headers are out and cut it at once.
     */
    private static void drainOnShutdown(CoordinatedShutdown cs, Edge edge, ProxyHandler proxy, java.time.Duration deadline) {
        cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "http-drain-mode", () -> {
            edge.drain();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", edge::unbind);
        cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-drain",
                () -> proxy.inFlight().drained(deadline)
                        .thenCompose(ignored -> {
                            if (proxy.inFlight().count() == 0) return CompletableFuture.<Void>completedFuture(null);
                            LOG.warn("shutdown deadline reached: ending {} running stream(s) with an error event",
                                    proxy.inFlight().streams());
                            return proxy.inFlight().endStreams(java.time.Duration.ofSeconds(3));
                        })
                        // The last bytes of a finished stream may still sit in Akka's TCP stage; closing at once
                        // would abort the socket (RST) and the client would lose its tail, [DONE] included.
                        .thenCompose(ignored -> CompletableFuture.runAsync(() -> {},
                                CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS)))
                        .thenApply(ignored -> {
                            edge.closeAll();
                            return Done.getInstance();
                        }));
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    public InetSocketAddress address() {
        return binding.localAddress();
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Graceful stop, as on SIGTERM. Completes when the actor system has terminated. */
    public CompletionStage<Done> stop() {
        return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    }

    @Override
    public void close() {
        stop().toCompletableFuture().join();
    }
}
