package modrelay.relay.routing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;
import modrelay.config.UpstreamEndpoint;

/**
 * What the router knows right now — which upstreams are up, which models the relay lists — as the
 * health actor and the model catalog publish it in the background, and a way to wait until it
 * satisfies a condition (for embedding code and tests: no polling).
 */
public final class RoutingState {
    private final Supplier<HealthSnapshot> health;
    private final Supplier<ModelList> models;
    private final Supplier<List<UpstreamEndpoint>> upstreams;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    /** Each read goes to the router's current configuration (upstreams may be replaced live). */
    RoutingState(Supplier<HealthSnapshot> health, Supplier<ModelList> models, Supplier<List<UpstreamEndpoint>> upstreams) {
        this.health = health;
        this.models = models;
        this.upstreams = upstreams;
    }

    /** The upstreams as the router routes over them now, in configuration order (health indices follow it). */
    public List<UpstreamEndpoint> upstreams() {
        return upstreams.get();
    }

    /** Whether upstream {@code index} (configuration order) takes traffic. */
    public boolean up(int index) {
        return health.get().up(index);
    }

    /** Every upstream's health as last published (configuration order): what the admin overview shows. */
    public HealthSnapshot health() {
        return health.get();
    }

    /** The model ids {@code GET /v1/models} answers with. */
    public List<String> modelIds() {
        return models.get().ids();
    }

    /** Completes once {@code condition} holds (at once if it already does); checked after every change. */
    public CompletionStage<Void> when(Predicate<RoutingState> condition) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable check = () -> {
            if (!done.isDone() && condition.test(this)) done.complete(null);
        };
        watchers.add(check);
        done.whenComplete((ok, error) -> watchers.remove(check));
        check.run();
        return done;
    }

    /** Called by the publishers after they set a new health snapshot or model list. */
    void changed() {
        for (Runnable w : watchers) w.run();
    }
}
