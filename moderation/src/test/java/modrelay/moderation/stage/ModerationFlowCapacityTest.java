package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.Attributes;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.javadsl.TestSource;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.capacity.CallLimits;
import modrelay.moderation.capacity.CallPermit;
import modrelay.moderation.capacity.CallScheduler;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams sharing one moderator whose capacity is limited (a {@link CallScheduler}): sentences that
 * wait merge into the stream's next call, a greedy request gets its share and no more, a frame that
 * waits too long fails closed, and nothing is ever released unjudged.
 */
class ModerationFlowCapacityTest {

    static final String BLOCKED = "[withheld]";
    static final String UNAVAILABLE = "[unavailable]";

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ModerationFlowCapacityTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /** A call the test answers by hand. */
    record Call(String text, String request, CompletableFuture<Verdict> answer) {}

    /** A moderator whose calls wait for the given scheduler's turns, answered by the test (or a script). */
    static final class LimitedModerator implements Moderator {
        final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final Map<String, Integer> mostInFlight = new ConcurrentHashMap<>();
        final AtomicInteger withoutPermit = new AtomicInteger();
        private final CallScheduler scheduler;

        LimitedModerator(CallScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
            CallPermit permit = context.permit();
            if (permit == null || !permit.claim()) withoutPermit.incrementAndGet();
            String request = context.requestId();
            int now = inFlight.computeIfAbsent(request, r -> new AtomicInteger()).incrementAndGet();
            mostInFlight.merge(request, now, Math::max);
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            calls.add(new Call(text, request, answer));
            return answer.whenComplete((v, e) -> inFlight.get(request).decrementAndGet());
        }

        @Override
        public String name() {
            return "limited";
        }

        @Override
        public CallScheduler scheduler() {
            return scheduler;
        }

        Call next() throws InterruptedException {
            return calls.poll(10, TimeUnit.SECONDS);
        }
    }

    static CallScheduler scheduler(int maxInFlight, int perRequest, Duration maxWait) {
        return CallScheduler.create(new CallLimits(100_000, maxInFlight, perRequest, maxWait, 10_000));
    }

    static ModerationOptions options(String request) {
        return new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED, BLOCKED, UNAVAILABLE, 200, Duration.ofSeconds(30),
                4, new ModerationContext(request, ""));
    }

    static Verdict pass() {
        return ScriptedModerator.judged(Suggestion.PASS);
    }

    /** A running stream: the upstream the test feeds, and what the client got once it ended. */
    record Running(TestPublisher.Probe<ByteString> upstream, CompletionStage<List<ByteString>> client,
                   RecordingListener listener) {
        String clientText() throws Exception {
            return Sse.choiceText(Sse.events(Sse.concat(client.toCompletableFuture().get(10, TimeUnit.SECONDS))));
        }
    }

    static Running stream(Moderator moderator, String request) {
        RecordingListener listener = new RecordingListener();
        // An input buffer of one: the stream asks for the next chunk only once it has taken (and framed) the last.
        var mat = TestSource.<ByteString>create(system)
                .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, options(request), listener))
                .toMat(Sink.seq(), Keep.both()).addAttributes(Attributes.inputBuffer(1, 1)).run(system);
        return new Running(mat.first(), mat.second(), listener);
    }

    static void send(Running s, String text) {
        s.upstream().sendNext(Sse.data(Sse.chatChunk(text)));
        s.upstream().expectRequest(); // taken: its sentence is framed and waiting, or with the moderator
    }

    @Test
    void sentencesThatWaitForATurnMergeIntoTheStreamsNextCall() throws Exception {
        // Parallelism 4, but the request's share is one call at a time.
        LimitedModerator moderator = new LimitedModerator(scheduler(64, 1, Duration.ofSeconds(30)));
        Running s = stream(moderator, "req-merge");
        s.upstream().sendNext(Sse.data(Sse.chatChunk("One. ")));
        Call first = moderator.next();
        assertEquals("One. ", first.text());
        send(s, "Two. ");
        send(s, "Three. ");
        send(s, "Four. ");
        assertNull(moderator.calls.poll(), "while its call is out, the stream asks for no other");

        first.answer().complete(pass());
        Call merged = moderator.next();
        assertEquals("Two. Three. Four. ", merged.text(), "the waiting sentences went in one call");
        s.upstream().sendComplete();
        merged.answer().complete(pass());

        assertEquals("One. Two. Three. Four. ", s.clientText(), "later, but whole");
        assertEquals(1, moderator.mostInFlight.get("req-merge"));
        assertEquals(0, moderator.withoutPermit.get(), "every call came with the turn its stream waited for");
        assertEquals(0, moderator.scheduler().stats().inFlight(), "every permit was given back");
    }

    @Test
    void aGreedyRequestGetsItsShareAndASmallOneIsNotStarved() throws Exception {
        // The account takes two calls at once; each request may hold one of them.
        LimitedModerator moderator = new LimitedModerator(scheduler(2, 1, Duration.ofSeconds(30)));
        Running greedy = stream(moderator, "greedy");
        StringBuilder greedyText = new StringBuilder();
        List<String> first = List.of("First choice, first sentence. ", "Second choice, first sentence. ",
                "Third choice, first sentence. ");
        greedy.upstream().sendNext(Sse.data(Sse.chatChunk(0, first.get(0), null), Sse.chatChunk(1, first.get(1), null),
                Sse.chatChunk(2, first.get(2), null)));
        first.forEach(greedyText::append);
        Call greedyFirst = moderator.next();
        assertEquals("greedy", greedyFirst.request());
        greedy.upstream().expectRequest();
        for (int i = 2; i < 6; i++) {
            String zero = "Choice zero, sentence " + i + ". ";
            String one = "Choice one, sentence " + i + ". ";
            greedy.upstream().sendNext(Sse.data(Sse.chatChunk(0, zero, null), Sse.chatChunk(1, one, null)));
            greedy.upstream().expectRequest();
            greedyText.append(zero).append(one);
        }
        assertNull(moderator.calls.poll(), "the greedy request holds only its share: one call, the rest waits");

        Running small = stream(moderator, "small");
        small.upstream().sendNext(Sse.data(Sse.chatChunk("Hi there. ")));
        Call smallCall = moderator.next();
        assertNotNull(smallCall, "the small request's call goes while the greedy one's is still out");
        assertEquals("small", smallCall.request());
        assertEquals("Hi there. ", smallCall.text());
        small.upstream().sendComplete();
        smallCall.answer().complete(pass());
        assertEquals("Hi there. ", small.clientText());

        greedyFirst.answer().complete(pass());
        Call greedySecond = moderator.next();
        assertEquals("greedy", greedySecond.request());
        for (int i = 2; i < 6; i++) {
            assertTrue(greedySecond.text().contains("Choice zero, sentence " + i + ".")
                    && greedySecond.text().contains("Choice one, sentence " + i + "."),
                    "all its waiting sentences in its next call: " + greedySecond.text());
        }
        greedy.upstream().sendComplete();
        greedySecond.answer().complete(pass());
        assertEquals(greedyText.toString(), greedy.clientText(), "the greedy request's text, later but whole");
        assertEquals(1, moderator.mostInFlight.get("greedy"));
        assertTrue(moderator.calls.isEmpty(), "three calls in all");
        assertEquals(0, moderator.scheduler().stats().inFlight());
    }

    @Test
    void aFrameThatWaitsPastTheTimeoutFailsClosedWithoutACall() throws Exception {
        CallScheduler scheduler = scheduler(1, 4, Duration.ofMillis(300));
        CallPermit hog = scheduler.lane().acquire(1).get(5, TimeUnit.SECONDS); // someone else holds the only slot
        LimitedModerator moderator = new LimitedModerator(scheduler);
        RecordingListener listener = new RecordingListener();

        List<ByteString> out = Source.single(Sse.data(Sse.chatChunk("Clean text. "), Sse.chatFinish("stop"), Sse.DONE))
                .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, options("req-wait"), listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<Sse.Event> events = Sse.events(Sse.concat(out));
        assertEquals(UNAVAILABLE, Sse.choiceText(events), "not released unjudged: the unavailable notice instead");
        assertTrue(listener.summary().cut());
        assertEquals("", listener.summary().releasedText());
        assertTrue(moderator.calls.isEmpty(), "the frame never reached the moderator");
        assertEquals(1, scheduler.stats().inFlight(), "only the hog's call; the stream holds nothing");
        hog.release();
        assertEquals(0, scheduler.stats().inFlight());
    }

    @Test
    void underABusySchedulerNothingIsReleasedUnjudgedAndCleanStreamsArriveWhole() throws Exception {
        Random random = new Random(11);
        for (int round = 0; round < 5; round++) {
            CallScheduler scheduler = scheduler(3, 1, Duration.ofSeconds(30));
            Executor later = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);
            Moderator moderator = new Moderator() {
                @Override
                public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
                    Verdict v = text.contains("bad") ? ScriptedModerator.judged(Suggestion.BLOCK) : pass();
                    return CompletableFuture.supplyAsync(() -> v, later);
                }

                @Override
                public String name() {
                    return "busy";
                }

                @Override
                public CallScheduler scheduler() {
                    return scheduler;
                }
            };
            List<String> texts = new ArrayList<>();
            List<CompletionStage<List<ByteString>>> clients = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                StringBuilder text = new StringBuilder();
                List<String> payloads = new ArrayList<>();
                int sentences = 1 + random.nextInt(8);
                for (int j = 0; j < sentences; j++) {
                    String sentence = (random.nextInt(10) == 0 ? "a bad word " : "a fine word ") + i + "-" + j + ". ";
                    text.append(sentence);
                    for (String token : sentence.split("(?<= )")) payloads.add(Sse.chatChunk(token));
                }
                payloads.add(Sse.chatFinish("stop"));
                payloads.add(Sse.DONE);
                texts.add(text.toString());
                clients.add(Source.from(payloads).map(Sse::data)
                        .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, options("req-" + i), new RecordingListener()))
                        .runWith(Sink.seq(), system));
            }
            for (int i = 0; i < texts.size(); i++) {
                String got = Sse.choiceText(Sse.events(Sse.concat(clients.get(i).toCompletableFuture().get(20, TimeUnit.SECONDS))));
                String full = texts.get(i);
                int bad = full.indexOf("a bad word");
                if (bad < 0) {
                    assertEquals(full, got, "a clean stream arrives whole, however busy the moderator");
                } else {
                    assertTrue(got.endsWith(BLOCKED), got);
                    String released = got.substring(0, got.length() - BLOCKED.length());
                    assertFalse(released.contains("bad"), released);
                    assertTrue(full.startsWith(released) && (released.isEmpty() || released.endsWith(". ")),
                            "whole passed sentences only: " + released);
                }
            }
            // A cut stream's last calls may still be answering: their permits come back when they do.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (scheduler.stats().inFlight() != 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(0, scheduler.stats().inFlight(), "every permit was given back");
        }
    }
}
