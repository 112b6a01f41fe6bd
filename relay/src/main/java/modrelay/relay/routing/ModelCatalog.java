package modrelay.relay.routing;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.config.UpstreamEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the union of the models the upstreams serve: the exact names in the configuration, plus what
 * each upstream's own {@code /v1/models} lists (filtered by the globs it is configured for), fetched
 * at start and every {@code refresh} in the background. Publishes a {@link ModelList}; {@code GET /v1/models}
 * reads it and never calls an upstream.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    /** Fetches the model ids an upstream lists; empty when it cannot be listed (no key, Azure). */
    @FunctionalInterface
    public interface Lister {
        Optional<CompletionStage<List<String>>> list(int upstream);
    }

    public sealed interface Command {}

    /** Fetch every upstream's list now. Sent at start and by the refresh timer. */
    public record Refresh() implements Command {}

    /** The upstream list was replaced (live configuration): a new catalog lists the new one. */
    public record Stop() implements Command {}

    private record Listed(int upstream, List<String> ids) implements Command {}

    private record ListFailed(int upstream, String why) implements Command {}

    private ModelCatalog() {}

    /** @param onChange runs after every newly published list */
    public static Behavior<Command> create(RoutingTable table, Lister lister, Duration refresh, AtomicReference<ModelList> published,
            Runnable onChange) {
        List<String> names = table.upstreams().stream().map(UpstreamEndpoint::name).toList();
        List<List<String>> listed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) listed.add(List.of());
        published.set(union(table, names, listed));
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSelf().tell(new Refresh());
            if (!refresh.isZero()) timers.startTimerWithFixedDelay("refresh", new Refresh(), refresh);
            return new Running(ctx, table, names, lister, listed, published, onChange).behavior();
        }));
    }

    /** Configured exact names first, then what the upstream listed and its unmapped routes accept. */
    static ModelList union(RoutingTable table, List<String> names, List<List<String>> listed) {
        List<List<String>> per = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Set<String> ids = new LinkedHashSet<>(table.configuredNames(i));
            for (String id : listed.get(i)) if (table.offersListed(i, id)) ids.add(id);
            per.add(List.copyOf(ids));
        }
        return ModelList.of(names, per);
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final RoutingTable table;
        private final List<String> names;
        private final Lister lister;
        private final List<List<String>> listed;
        private final AtomicReference<ModelList> published;
        private final Runnable onChange;

        Running(ActorContext<Command> ctx, RoutingTable table, List<String> names, Lister lister, List<List<String>> listed,
                AtomicReference<ModelList> published, Runnable onChange) {
            this.ctx = ctx;
            this.table = table;
            this.names = names;
            this.lister = lister;
            this.listed = listed;
            this.published = published;
            this.onChange = onChange;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Refresh.class, m -> {
                        for (int i = 0; i < names.size(); i++) {
                            int u = i;
                            Optional<CompletionStage<List<String>>> call;
                            try {
                                call = lister.list(u);
                            } catch (RuntimeException e) {
                                call = Optional.of(java.util.concurrent.CompletableFuture.failedFuture(e));
                            }
                            call.ifPresent(c -> ctx.pipeToSelf(c, (ids, error) -> error == null
                                    ? new Listed(u, ids)
                                    : new ListFailed(u, error.getClass().getSimpleName())));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Listed.class, m -> {
                        listed.set(m.upstream(), List.copyOf(m.ids()));
                        published.set(union(table, names, listed));
                        onChange.run();
                        return Behaviors.same();
                    })
                    .onMessage(ListFailed.class, m -> {
                        // Keep what it listed before: an upstream down for a minute still serves its models.
                        LOG.info("could not list the models of upstream {} ({}); keeping the last list", names.get(m.upstream()), m.why());
                        return Behaviors.same();
                    })
                    .onMessage(Stop.class, m -> Behaviors.stopped())
                    .build();
        }
    }
}
