package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoutingStateTest {

    @Test
    void aConditionIsMetOnceAPublisherChangesTheState() {
        AtomicReference<HealthSnapshot> health = new AtomicReference<>(HealthSnapshot.allUp(2));
        AtomicReference<ModelList> models = new AtomicReference<>(ModelList.of(List.of(), List.of()));
        RoutingState state = new RoutingState(health::get, models::get, List::of);

        assertTrue(state.when(s -> s.up(1)).toCompletableFuture().isDone(), "already true: done at once");

        CompletableFuture<Void> listed = state.when(s -> s.modelIds().contains("gpt-4o")).toCompletableFuture();
        assertFalse(listed.isDone());
        state.changed(); // nothing new yet
        assertFalse(listed.isDone());
        models.set(ModelList.of(List.of("openai"), List.of(List.of("gpt-4o"))));
        state.changed();
        assertTrue(listed.isDone());
    }
}
