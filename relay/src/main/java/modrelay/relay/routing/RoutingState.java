package modrelay.relay.routing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What the router knows right now — which upstreams are up, which models the relay lists — as the
 * health actor and the model catalog publish it in the background, and a way to wait until it
 * satisfies a condition (for embedding code and tests: no polling).
 */
public final class RoutingState {
    private final AtomicReference<HealthSnapshot> health;
    private final AtomicReference<ModelList> models;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    RoutingState(AtomicReference<HealthSnapshot> health, AtomicReference<ModelList> models) {
        this.health = health;
        this.models = models;
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
