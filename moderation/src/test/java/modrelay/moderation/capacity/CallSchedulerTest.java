package modrelay.moderation.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scheduler on a hand-driven clock: wake-ups run only when the test moves time on. */
class CallSchedulerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Runnable> wakeUps = new ArrayList<>();

    private CallScheduler scheduler(int callsPerSecond, int maxInFlight, int perRequest) {
        return new CallScheduler(new CallLimits(callsPerSecond, maxInFlight, perRequest, Duration.ofSeconds(3), 100),
                now::get, (nanos, task) -> wakeUps.add(task));
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
        List<Runnable> due = new ArrayList<>(wakeUps);
        wakeUps.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void callsBeyondTheRateWaitForTheirTokenInsteadOfBeingRefused() {
        CallScheduler s = scheduler(50, 100, 10); // a bucket of one, a token every 20 ms
        CallScheduler.Lane lane = s.lane();
        CompletableFuture<CallPermit> a = lane.acquire(1);
        CompletableFuture<CallPermit> b = lane.acquire(1);
        CompletableFuture<CallPermit> c = lane.acquire(1);

        assertTrue(a.isDone());
        assertFalse(b.isDone() || c.isDone(), "no token for them yet");
        advance(Duration.ofMillis(20));
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        assertFalse(c.isDone());
        advance(Duration.ofMillis(20));
        assertTrue(c.isDone() && !c.isCompletedExceptionally());
        assertEquals(3, s.stats().granted());
    }

    @Test
    void waitingLanesAreServedInTurnSoAGreedyRequestDoesNotGoFirstEveryTime() {
        CallScheduler s = scheduler(50, 100, 10);
        CallScheduler.Lane greedy = s.lane();
        CallScheduler.Lane small = s.lane();
        List<String> order = new ArrayList<>();
        greedy.acquire(1).thenRun(() -> order.add("greedy"));
        for (int i = 0; i < 3; i++) greedy.acquire(1).thenRun(() -> order.add("greedy"));
        small.acquire(1).thenRun(() -> order.add("small"));

        for (int i = 0; i < 4; i++) advance(Duration.ofMillis(20));

        // The greedy request's second call asked before the small one did; after it, the greedy lane goes
        // to the back of the line: the small request is not behind all of its queued calls.
        assertEquals(List.of("greedy", "greedy", "small", "greedy", "greedy"), order);
    }

    @Test
    void aRequestHoldsAtMostItsShareOfCallsInFlight() {
        CallScheduler s = scheduler(1000, 100, 2);
        CallScheduler.Lane greedy = s.lane();
        List<CompletableFuture<CallPermit>> asks = new ArrayList<>();
        for (int i = 0; i < 5; i++) asks.add(greedy.acquire(1));
        CompletableFuture<CallPermit> other = s.lane().acquire(1);

        assertEquals(2, asks.stream().filter(CompletableFuture::isDone).count(), "its share, though tokens are left");
        assertTrue(other.isDone(), "another request is not kept waiting by it");
        assertEquals(2, greedy.inFlight());
        asks.get(0).join().release();
        assertTrue(asks.get(2).isDone(), "a released call lets its next one go");
        assertFalse(asks.get(3).isDone());
    }

    @Test
    void aCallHeavierThanTheShareStillGoesWhenItsRequestHoldsNothing() {
        CallScheduler s = scheduler(1000, 100, 2);
        CallScheduler.Lane lane = s.lane();
        CompletableFuture<CallPermit> heavy = lane.acquire(5);
        assertTrue(heavy.isDone());
        assertEquals(5, heavy.join().calls());
        CompletableFuture<CallPermit> next = lane.acquire(1);
        assertFalse(next.isDone(), "the request is over its share until the heavy call is answered");
        heavy.join().release();
        heavy.join().release(); // twice is once
        assertTrue(next.isDone());
        assertEquals(1, lane.inFlight());
    }

    @Test
    void theAccountsCallsInFlightAreBounded() {
        CallScheduler s = scheduler(1000, 2, 4);
        CompletableFuture<CallPermit> a = s.lane().acquire(1);
        CompletableFuture<CallPermit> b = s.lane().acquire(1);
        CompletableFuture<CallPermit> c = s.lane().acquire(1);
        assertTrue(a.isDone() && b.isDone());
        assertFalse(c.isDone());
        assertEquals(2, s.stats().inFlight());
        b.join().release();
        assertTrue(c.isDone());
    }

    @Test
    void aCallThatGivesUpWaitingSpendsNoTokenAndTheNextOneGetsIt() {
        CallScheduler s = scheduler(50, 100, 10);
        s.lane().acquire(1); // spends the bucket's one token
        CompletableFuture<CallPermit> quitter = s.lane().acquire(1);
        CompletableFuture<CallPermit> patient = s.lane().acquire(1);
        quitter.cancel(false);

        advance(Duration.ofMillis(20));

        assertTrue(patient.isDone() && !patient.isCompletedExceptionally(), "the quitter's turn went to the next");
        assertEquals(2, s.stats().granted());
        assertEquals(2, s.stats().inFlight());
    }

    @Test
    void retriesGoBeforeNewCalls() {
        CallScheduler s = scheduler(50, 100, 10);
        s.lane().acquire(1);
        CompletableFuture<CallPermit> fresh = s.lane().acquire(1);
        CompletableFuture<Void> retry = s.retryTurn();

        advance(Duration.ofMillis(20));

        assertTrue(retry.isDone());
        assertFalse(fresh.isDone(), "the fresh call waits for the next token");
        advance(Duration.ofMillis(20));
        assertTrue(fresh.isDone());
    }

    @Test
    void aLimitAnswerSlowsTheSenderDownForAWhileThenTheRateComesBack() {
        CallScheduler s = scheduler(100, 1000, 1000);
        s.slowDown();
        assertEquals(80.0, s.stats().callsPerSecond(), 0.001);
        CompletableFuture<CallPermit> after = s.lane().acquire(1);
        assertFalse(after.isDone(), "the bucket was emptied: the next call waits");
        advance(Duration.ofMillis(13)); // one token at 80 calls/s takes 12.5 ms
        assertTrue(after.isDone());

        advance(Duration.ofSeconds(3));
        s.lane().acquire(1); // the rate is brought up to date when the scheduler next looks
        assertTrue(s.stats().callsPerSecond() > 90, "recovering: " + s.stats().callsPerSecond());
        advance(Duration.ofSeconds(10));
        s.lane().acquire(1);
        assertEquals(100.0, s.stats().callsPerSecond(), 0.001, "back at the account's rate, never above");
        assertEquals(1, s.stats().slowDowns());
    }

    @Test
    void unlimitedGrantsEverythingAtOnce() {
        CallScheduler s = CallScheduler.unlimited();
        CallScheduler.Lane lane = s.lane();
        for (int i = 0; i < 1000; i++) assertTrue(lane.acquire(3).isDone());
        assertTrue(s.isUnlimited());
        assertEquals(1, s.callsFor("x".repeat(50_000)));
    }

    @Test
    void aLongTextCostsOneCallPerSliceItNeeds() {
        CallScheduler s = scheduler(1000, 100, 4);
        assertEquals(1, s.callsFor("x".repeat(100)));
        assertEquals(2, s.callsFor("x".repeat(101)));
        assertEquals(3, s.callsFor("x".repeat(300)));
    }
}
