package modrelay.moderation.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.keywords.KeywordModerator;
import org.junit.jupiter.api.Test;

class ChainModeratorTest {

    /** Answers a fixed verdict and counts the calls and closes, like a billed cloud moderator would be. */
    static final class CountingModerator implements Moderator {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private final String name;
        private final Verdict answer;

        CountingModerator(String name, Verdict answer) {
            this.name = name;
            this.answer = answer;
        }

        @Override
        public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
            calls.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> answer); // async, as Tencent is
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static Verdict run(Moderator moderator, String text) throws Exception {
        return moderator.moderate(text, ModerationContext.NONE).toCompletableFuture().get();
    }

    private static Verdict.Judged judged(Suggestion s, String source) {
        return new Verdict.Judged(s, s == Suggestion.PASS ? "Normal" : "Porn", "", s == Suggestion.PASS ? 0 : 90, source, "r1");
    }

    @Test
    void aKeywordBlockSkipsTheCloudModerator() throws Exception {
        CountingModerator tms = new CountingModerator("tencent", judged(Suggestion.PASS, "tencent"));
        ChainModerator chain = new ChainModerator(List.of(KeywordModerator.of(List.of("contraband")), tms));

        Verdict blocked = run(chain, "selling contraband here");
        assertEquals("keywords", ((Verdict.Judged) blocked).source());
        assertEquals(Suggestion.BLOCK, ((Verdict.Judged) blocked).suggestion());
        assertEquals(0, tms.calls.get());

        Verdict passed = run(chain, "selling apples here");
        assertTrue(passed.isPass());
        assertEquals(1, tms.calls.get());
        assertEquals("keywords+tencent", chain.name());
    }

    @Test
    void aLaterBlockWinsOverAnEarlierUnavailable() throws Exception {
        Verdict.Unavailable down = new Verdict.Unavailable("a: timeout", "a");
        CountingModerator a = new CountingModerator("a", down);
        CountingModerator b = new CountingModerator("b", judged(Suggestion.BLOCK, "b"));

        Verdict v = run(new ChainModerator(List.of(a, b)), "text");
        assertEquals(judged(Suggestion.BLOCK, "b"), v);
    }

    @Test
    void anUnavailableWithoutALaterBlockMakesTheChainUnavailable() throws Exception {
        Verdict.Unavailable down = new Verdict.Unavailable("a: timeout", "a");
        CountingModerator a = new CountingModerator("a", down);
        CountingModerator b = new CountingModerator("b", judged(Suggestion.PASS, "b"));

        assertEquals(down, run(new ChainModerator(List.of(a, b)), "text"));
        assertEquals(down, run(new ChainModerator(List.of(b, a)), "text"));
        assertEquals(2, b.calls.get());
    }

    @Test
    void aReviewDoesNotHideALaterBlock() throws Exception {
        CountingModerator a = new CountingModerator("a", judged(Suggestion.REVIEW, "a"));
        CountingModerator b = new CountingModerator("b", judged(Suggestion.BLOCK, "b"));
        CountingModerator c = new CountingModerator("c", judged(Suggestion.PASS, "c"));

        assertEquals(judged(Suggestion.BLOCK, "b"), run(new ChainModerator(List.of(a, b, c)), "text"));
        assertEquals(0, c.calls.get(), "nothing after a block is asked");
        assertEquals(judged(Suggestion.REVIEW, "a"), run(new ChainModerator(List.of(a, c)), "text"));
    }

    @Test
    void aModeratorThatBreaksItsPromiseBecomesUnavailable() throws Exception {
        Moderator broken = new Moderator() {
            @Override
            public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
                return CompletableFuture.failedFuture(new IllegalStateException("secret-ish detail"));
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        Verdict v = run(new ChainModerator(List.of(broken)), "text");
        Verdict.Unavailable u = assertInstanceOf(Verdict.Unavailable.class, v);
        assertEquals("broken", u.source());
        assertTrue(!u.reason().contains("secret-ish"), u.reason());
    }

    @Test
    void closeClosesEveryModerator() {
        CountingModerator a = new CountingModerator("a", judged(Suggestion.PASS, "a"));
        CountingModerator b = new CountingModerator("b", judged(Suggestion.PASS, "b"));
        new ChainModerator(List.of(a, b)).close();
        assertEquals(1, a.closes.get());
        assertEquals(1, b.closes.get());
    }
}
