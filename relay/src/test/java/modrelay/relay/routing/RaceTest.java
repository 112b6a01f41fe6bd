package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The parallel strategy's decision: who wins, who is cancelled, what is kept when nobody succeeds. */
class RaceTest {
    /** An entrant's outcome: a status, or null for "refused by the router" (answered=false). */
    record Outcome(String name, Integer status) {}

    private final List<String> lost = new CopyOnWriteArrayList<>();

    private CompletionStage<Outcome> race(List<CompletableFuture<Outcome>> entrants) {
        return new Race<Outcome>(List.copyOf(entrants), o -> o.status() != null && o.status() < 400, o -> o.status() != null,
                o -> lost.add(o.name())).run();
    }

    @Test
    void theFirstSuccessWinsAndALaterFinisherIsCancelledWhenItEnds() throws Exception {
        CompletableFuture<Outcome> a = new CompletableFuture<>();
        CompletableFuture<Outcome> b = new CompletableFuture<>();
        CompletableFuture<Outcome> result = race(List.of(a, b)).toCompletableFuture();
        b.complete(new Outcome("b", 200));
        assertEquals("b", result.getNow(null).name(), "the second in order answered first: it wins");
        assertEquals(List.of(), lost);
        a.complete(new Outcome("a", 200));
        assertEquals(List.of("a"), lost, "the slower one is cancelled as soon as it answers");
    }

    @Test
    void anEntrantThatAnsweredBeforeTheWinnerIsCancelledWhenTheWinnerIsKnown() {
        CompletableFuture<Outcome> a = new CompletableFuture<>();
        CompletableFuture<Outcome> b = new CompletableFuture<>();
        CompletableFuture<Outcome> result = race(List.of(a, b)).toCompletableFuture();
        a.complete(new Outcome("a", 500));
        assertFalse(result.isDone(), "an error is no success: the race goes on");
        b.complete(new Outcome("b", 200));
        assertEquals("b", result.getNow(null).name());
        assertEquals(List.of("a"), lost);
    }

    @Test
    void withoutASuccessTheFirstAnswerInOrderIsKeptAndTheRestCancelled() {
        CompletableFuture<Outcome> a = new CompletableFuture<>();
        CompletableFuture<Outcome> b = new CompletableFuture<>();
        CompletableFuture<Outcome> c = new CompletableFuture<>();
        CompletableFuture<Outcome> result = race(List.of(a, b, c)).toCompletableFuture();
        c.complete(new Outcome("c", 429));
        a.complete(new Outcome("a", null));
        b.complete(new Outcome("b", 503));
        assertEquals("b", result.getNow(null).name(), "a refusal of the router's own counts after an upstream's answer");
        assertEquals(List.of("a", "c"), lost.stream().sorted().toList());
    }

    @Test
    void whenEveryEntrantFailsTheFirstFailureIsTheAnswer() {
        CompletableFuture<Outcome> a = new CompletableFuture<>();
        CompletableFuture<Outcome> b = new CompletableFuture<>();
        CompletableFuture<Outcome> result = race(List.of(a, b)).toCompletableFuture();
        b.completeExceptionally(new IllegalStateException("b down"));
        a.completeExceptionally(new IllegalStateException("a down"));
        Exception e = assertThrows(Exception.class, result::join);
        assertEquals("a down", e.getCause().getMessage());
        assertEquals(List.of(), lost);
    }

    @Test
    void aFailureDoesNotStopASuccessFromWinning() {
        CompletableFuture<Outcome> a = new CompletableFuture<>();
        CompletableFuture<Outcome> b = new CompletableFuture<>();
        CompletableFuture<Outcome> result = race(List.of(a, b)).toCompletableFuture();
        a.completeExceptionally(new IllegalStateException("a down"));
        b.complete(new Outcome("b", 200));
        assertEquals("b", result.getNow(null).name());
    }
}
