package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Moderator;
import modrelay.moderation.keywords.KeywordModerator;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static modrelay.moderation.stage.ModerationFlowChatTest.BLOCKED;
import static modrelay.moderation.stage.ModerationFlowChatTest.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MODERATION_CONTEXT_CHARS: a frame is judged with the text released just before it in its text stream. */
class ContextWindowTest {

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ContextWindowTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static ModerationOptions options(int contextChars) {
        return new ModerationOptions(ModerationLevel.HIGH, FailMode.CLOSED, BLOCKED, UNAVAILABLE, 200,
                Duration.ofSeconds(30), 1, ModerationContext.NONE, contextChars);
    }

    static ByteString run(List<String> tokens, Moderator moderator, ModerationOptions options, RecordingListener listener)
            throws Exception {
        List<String> payloads = new ArrayList<>();
        payloads.add(Sse.chatRole());
        for (String t : tokens) payloads.add(Sse.chatChunk(t));
        payloads.add(Sse.chatFinish("stop"));
        payloads.add(Sse.DONE);
        List<ByteString> out = Source.single(Sse.data(payloads.toArray(String[]::new)))
                .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, options, listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Sse.concat(out);
    }

    static final List<String> ONE_LETTER_PER_LINE = List.of("Spell it: ", "b\n", "l\n", "o\n", "c\n", "k\n", "done.");

    @Test
    void aTermWrittenOneLetterPerLineIsCutBeforeItsLastLetter() throws Exception {
        var listener = new RecordingListener();
        ByteString got = run(ONE_LETTER_PER_LINE, KeywordModerator.of(List.of("block")), options(100), listener);
        String text = Sse.choiceText(Sse.events(got));
        assertEquals("Spell it: b\nl\no\nc\n" + BLOCKED, text, "each line passed alone; the window saw the term at its last letter");
        assertTrue(listener.summary().cut());
    }

    @Test
    void withoutTheWindowEachLineIsJudgedAloneAndTheTermGoesThrough() throws Exception {
        // why the window exists: every line is a sentence, and no single line holds the term
        var listener = new RecordingListener();
        ByteString got = run(ONE_LETTER_PER_LINE, KeywordModerator.of(List.of("block")), options(0), listener);
        assertEquals(String.join("", ONE_LETTER_PER_LINE), Sse.choiceText(Sse.events(got)));
        assertFalse(listener.summary().cut());
    }

    @Test
    void aTermSplitAcrossASentenceEndIsSeenWhole() throws Exception {
        var moderator = ScriptedModerator.verdicts(text -> ScriptedModerator.judged(
                text.replaceAll("[\\s.]", "").toLowerCase(java.util.Locale.ROOT).contains("forbiddenfruit")
                        ? modrelay.moderation.Suggestion.BLOCK : modrelay.moderation.Suggestion.PASS));
        var listener = new RecordingListener();
        ByteString got = run(List.of("We ate the forbidden. ", "Fruit", " was sweet."), moderator, options(100), listener);
        assertEquals("We ate the forbidden. " + BLOCKED, Sse.choiceText(Sse.events(got)));
        assertEquals(List.of("We ate the forbidden. ", "We ate the forbidden. Fruit was sweet."), moderator.calls);
    }

    /** A typical answer: eleven sentences, 839 characters, streamed as 4-character tokens. */
    static final String TYPICAL = "Sourdough starts with a starter, a mix of flour and water that wild yeast has colonised. "
            + "Feed it daily for about a week until it doubles within six hours of a feeding. "
            + "Mix 500 g of bread flour with 350 g of water and let it rest for an hour. "
            + "Add 100 g of active starter and 10 g of salt, then squeeze them through the dough. "
            + "Over the next four hours, stretch and fold the dough every half hour. "
            + "When it has grown by half and feels airy, shape it into a tight ball. "
            + "Put it seam side up in a floured basket and cover it. "
            + "Leave it in the fridge overnight; the cold slows the yeast and deepens the flavour. "
            + "The next morning, heat the oven to 250 °C with a Dutch oven inside. "
            + "Bake the loaf covered for 20 minutes, then uncovered for 25 more. "
            + "Let it cool for an hour before you cut it, or the crumb will be gummy.";

    static List<String> tokens(String text, int size) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) tokens.add(text.substring(i, Math.min(text.length(), i + size)));
        return tokens;
    }

    /** Characters sent to the moderator beyond the released text, for one stream of the typical answer. */
    static int extraChars(int contextChars, List<Integer> callsOut) throws Exception {
        var moderator = ScriptedModerator.passingAll();
        run(tokens(TYPICAL, 4), moderator, options(contextChars), new RecordingListener());
        callsOut.add(moderator.calls.size());
        return moderator.calls.stream().mapToInt(String::length).sum() - TYPICAL.length();
    }

    @Test
    void theWindowCostsAboutContextCharsPerFrame() throws Exception {
        List<Integer> calls = new ArrayList<>();
        int without = extraChars(0, calls);
        int with = extraChars(100, calls);
        assertEquals(calls.get(0), calls.get(1), "the window adds characters, never calls");
        int frames = calls.get(1);
        assertTrue(without < frames * 4, "without the window only a token's worth of unfinished sentence is carried: " + without);
        assertTrue(with > without && with <= (frames - 1) * 100, with + " extra characters over " + frames + " frames");
        System.out.printf("context window: %d frames, %d released characters, %d extra characters sent to the moderator"
                        + " with MODERATION_CONTEXT_CHARS=100 (+%.0f%%), %d with 0%n",
                frames, TYPICAL.length(), with, 100.0 * with / TYPICAL.length(), without);
    }
}
