package modrelay.relay.live;

import akka.actor.typed.ActorSystem;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import modrelay.config.ConfigException;
import modrelay.config.RoutingSettings;
import modrelay.config.Settings;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.access.store.SubKeyStore;
import modrelay.relay.live.UpstreamStore.AuditRow;
import modrelay.relay.live.UpstreamStore.Row;
import modrelay.relay.routing.UpstreamRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstreams stored in the database and edited live (docs/configuration.md, "Live upstream configuration"). On the
 * first start with a database the environment's upstreams (UPSTREAMS, or UPSTREAM_URL + OPENAI_KEY) are written to it
 * (audited as {@code env-seed}); from then on the database wins, unless {@code UPSTREAMS_SOURCE=env}. An edit is
 * written in one transaction, then the router is given the list as the database now holds it; every instance also
 * re-reads it every UPSTREAMS_REFRESH. Applies are chained, each reading the latest list, so the last write is what
 * routes even when edits and refreshes overlap.
 */
public final class LiveUpstreams {
    private static final Logger LOG = LoggerFactory.getLogger(LiveUpstreams.class);
    public static final String SEED_ACTOR = "env-seed";

    /** What start-up decided: the settings to route by, and the store when upstreams live in the database. */
    public record Prepared(Settings settings, Optional<UpstreamStore> store, List<Row> rows, List<UpstreamEndpoint> env,
            boolean envDeclared) {}

    private final UpstreamStore store;
    private final UpstreamRouter router;
    private final List<UpstreamEndpoint> env;
    private final boolean envDeclared;
    private final java.util.function.Consumer<List<UpstreamEndpoint>> onApplied;
    private volatile List<Row> applied;
    private CompletionStage<Void> applying = CompletableFuture.completedFuture(null);

    private LiveUpstreams(UpstreamStore store, UpstreamRouter router, Prepared p,
            java.util.function.Consumer<List<UpstreamEndpoint>> onApplied) {
        this.onApplied = onApplied;
        this.store = store;
        this.router = router;
        this.env = p.env();
        this.envDeclared = p.envDeclared();
        this.applied = p.rows();
    }

    /**
     * At start, before the router: where upstreams come from, the seed on a first start, the stored list read.
     * Blocks (the database is opened at start anyway).
     *
     * @throws ConfigException UPSTREAMS_SOURCE=database without a database, or a stored definition the parser refuses
     */
    public static Prepared prepare(Settings settings, Optional<SubKeyStore> database) {
        RoutingSettings routing = settings.routing();
        String source = routing.upstreamsSource();
        if (source.equals("env") || (source.equals("auto") && database.isEmpty())) {
            return new Prepared(settings, Optional.empty(), List.of(), routing.upstreams(), routing.declared());
        }
        if (database.isEmpty()) {
            throw new ConfigException("UPSTREAMS_SOURCE=database needs a database: set ADMIN_TOKEN (SQLite in DATA_DIR) or DATABASE_URL");
        }
        UpstreamStore store = new UpstreamStore(database.get());
        try {
            List<Row> seed = UpstreamEdits.rowsOf(routing.upstreams());
            long now = System.currentTimeMillis();
            List<AuditRow> audit = seed.stream().map(r -> UpstreamEdits.audit(now, SEED_ACTOR, "create", r.name(), Optional.empty(),
                    Optional.of(UpstreamEdits.parse(r.definition())))).toList();
            boolean seeded;
            try {
                seeded = store.seedIfEmpty(seed, audit).toCompletableFuture().join();
            } catch (CompletionException raced) {
                seeded = false; // another instance seeded first (same names): read what it wrote
            }
            List<Row> rows = store.all().toCompletableFuture().join();
            List<UpstreamEndpoint> stored = UpstreamEdits.endpoints(rows);
            if (seeded) {
                LOG.info("upstreams: {} written to {} from the environment; from now on the database's list is used "
                        + "(UPSTREAMS_SOURCE=env to use the environment's)", names(stored), database.get().describe());
            } else if (!stored.equals(routing.upstreams())) {
                LOG.warn("upstreams: the database's {} are used, not the environment's {} (edited live; UPSTREAMS_SOURCE=env "
                        + "uses the environment's)", names(stored), names(routing.upstreams()));
            }
            Settings effective = settings.withRouting(routing.withUpstreams(stored, declared(stored, routing.upstreams(),
                    routing.declared())));
            return new Prepared(effective, Optional.of(store), rows, routing.upstreams(), routing.declared());
        } catch (CompletionException e) {
            throw new IllegalStateException("the stored upstreams could not be read: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Starts following the database: edits apply here at once, other instances' within UPSTREAMS_REFRESH. */
    /** @param onApplied told the upstreams after every live change (the admin API's key pool list follows it) */
    public static Optional<LiveUpstreams> attach(Prepared p, UpstreamRouter router, ActorSystem<?> system,
            java.util.function.Consumer<List<UpstreamEndpoint>> onApplied) {
        if (p.store().isEmpty()) return Optional.empty();
        LiveUpstreams live = new LiveUpstreams(p.store().get(), router, p, onApplied);
        java.time.Duration every = p.settings().routing().upstreamsRefresh();
        if (!every.isZero()) {
            system.scheduler().scheduleWithFixedDelay(every, every, () -> live.applyLatest().exceptionally(e -> {
                LOG.warn("upstreams: could not re-read the stored list ({}); keeping the current one", e.getClass().getSimpleName());
                return null;
            }), system.executionContext());
        }
        return Optional.of(live);
    }

    /**
     * The relay answers {@code GET /v1/models} itself when UPSTREAMS declared the upstreams, or once the stored list is
     * no longer the environment's single UPSTREAM_URL upstream (a list edited live is a declared list).
     */
    static boolean declared(List<UpstreamEndpoint> stored, List<UpstreamEndpoint> env, boolean envDeclared) {
        return envDeclared || !stored.equals(env);
    }

    /** The stored list as the relay routes by it (definitions with their keys: for the admin API's views only). */
    public List<Row> rows() {
        return applied;
    }

    public CompletionStage<List<AuditRow>> audit(int limit) {
        return store.audit(limit);
    }

    /**
     * Reads the list, applies {@code edit} and writes the result if the list did not change meanwhile (else reads
     * and tries again, a few times), then routes by it. Fails with {@link UpstreamEdits.Refusal} for a refused edit.
     */
    public CompletionStage<UpstreamEdits.Change> edit(Function<List<Row>, UpstreamEdits.Change> edit) {
        return attempt(edit, 3).thenCompose(change -> applyLatest().thenApply(done -> change));
    }

    private CompletionStage<UpstreamEdits.Change> attempt(Function<List<Row>, UpstreamEdits.Change> edit, int left) {
        return store.all().thenCompose(rows -> {
            UpstreamEdits.Change change = edit.apply(rows);
            return store.replace(rows, change.next(), change.audit()).thenCompose(written -> {
                if (written) return CompletableFuture.completedFuture(change);
                if (left <= 1) {
                    throw new UpstreamEdits.Refusal(409, "concurrent_edit", null,
                            "The upstreams were changed by another edit at the same time; try again.");
                }
                return attempt(edit, left - 1);
            });
        });
    }

    /** Reads the stored list and routes by it; chained, so overlapping applies end with the latest list. */
    public synchronized CompletionStage<Void> applyLatest() {
        applying = applying.exceptionally(e -> null).thenCompose(ignored -> store.all()).thenAccept(rows -> {
            if (rows.equals(applied)) return;
            List<UpstreamEndpoint> endpoints = UpstreamEdits.endpoints(rows);
            router.reconfigure(endpoints, declared(endpoints, env, envDeclared));
            applied = rows;
            onApplied.accept(endpoints);
        });
        return applying;
    }

    private static List<String> names(List<UpstreamEndpoint> list) {
        return list.stream().map(UpstreamEndpoint::name).toList();
    }
}
