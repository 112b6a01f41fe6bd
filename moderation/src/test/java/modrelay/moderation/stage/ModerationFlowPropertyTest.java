package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.ModerationListener.Summary;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random texts, token splits, TCP chunkings, options and verdicts; the invariants the client relies on
 * must hold for every case.
 */
class ModerationFlowPropertyTest {

    static final String BLOCKED = "[withheld]";
    static final String UNAVAILABLE = "[unavailable]";
    public static final String[] PIECES = {
            "Hello", "world", " ", " ", " ", ". ", "? ", "! ", "。", "！", "？", "；", "…", "\n", "3.14", "e.g. ",
            "你好", "世界", "中文", "😀", "🇨🇳", "é", "naïve", "x", "a,", "，", "\"quoted\"", "v1.2"};

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("ModerationFlowPropertyTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /**
     * One generated upstream answer; {@code released} is what the client gets when all of it passes: the same
     * events, with comment text taken out (a comment is text no one judged).
     */
    record Case(String text, ByteString upstream, ByteString released, ModerationOptions options) {}

    static Case generate(Random random, String inject) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(40);
        int injectAt = inject == null ? -1 : random.nextInt(pieces + 1);
        for (int i = 0; i <= pieces; i++) {
            if (i == injectAt) text.append(inject);
            if (i < pieces) text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        String full = text.toString();

        List<String> payloads = new ArrayList<>();
        payloads.add(Sse.chatRole());
        for (String token : tokens(full, random)) {
            payloads.add(Sse.chatChunk(token));
            if (random.nextInt(10) == 0) payloads.add(Sse.chatToolCall("")); // no text: keeps its place
        }
        boolean properEnd = random.nextBoolean();
        if (properEnd) {
            payloads.add(Sse.chatFinish("stop"));
            if (random.nextBoolean()) payloads.add(Sse.chatUsage());
            payloads.add(Sse.DONE);
        }
        ByteString upstream = Sse.data(payloads.toArray(String[]::new));
        ByteString released = upstream;
        if (random.nextInt(5) == 0) {
            upstream = upstream.concat(ByteString.fromString(": trailing comment\n\n"));
            released = released.concat(ByteString.fromString(":\n\n"));
        }

        ModerationOptions options = new ModerationOptions(
                random.nextBoolean() ? ModerationLevel.HIGH : ModerationLevel.LOW,
                random.nextBoolean() ? FailMode.CLOSED : FailMode.OPEN,
                BLOCKED, UNAVAILABLE,
                2 + random.nextInt(60),
                random.nextInt(4) == 0 ? Duration.ofMillis(1 + random.nextInt(5)) : Duration.ofSeconds(30),
                1 + random.nextInt(4),
                ModerationContext.NONE);
        return new Case(full, upstream, released, options);
    }

    /** Random tokens of 1 to 6 characters, never splitting a surrogate pair (OpenAI sends valid strings). */
    static List<String> tokens(String text, Random random) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + 1 + random.nextInt(6));
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++;
            tokens.add(text.substring(i, end));
            i = end;
        }
        return tokens;
    }

    record Outcome(ByteString client, RecordingListener listener) {}

    static Outcome run(Case c, Random random, Function<String, Verdict> verdicts) throws Exception {
        boolean async = random.nextBoolean();
        ScriptedModerator moderator = async ? ScriptedModerator.async(verdicts) : ScriptedModerator.verdicts(verdicts);
        var listener = new RecordingListener();
        List<ByteString> out = Source.from(Sse.randomChunks(c.upstream(), random, 40))
                .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, c.options(), listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Outcome(Sse.concat(out), listener);
    }

    @Test
    void releasedTextIsAlwaysWholePassedFramesUpToTheFirstCut() throws Exception {
        Random random = new Random(20_240_601L);
        int cuts = 0;
        for (int n = 0; n < 300; n++) {
            Case c = generate(random, null);
            Random verdictRandom = new Random(random.nextLong());
            int cutChance = random.nextInt(4); // 0: never cut; else 1 in 3..8 frames
            Function<String, Verdict> verdicts = text -> {
                synchronized (verdictRandom) {
                    if (cutChance == 0 || verdictRandom.nextInt(2 + 2 * cutChance) != 0) {
                        return ScriptedModerator.judged(Suggestion.PASS);
                    }
                    return switch (verdictRandom.nextInt(3)) {
                        case 0 -> ScriptedModerator.judged(Suggestion.BLOCK);
                        case 1 -> ScriptedModerator.judged(Suggestion.REVIEW);
                        default -> verdictRandom.nextBoolean()
                                ? new Verdict.Unavailable("timeout", "script")
                                : null; // a moderator breaking its contract counts as unavailable
                    };
                }
            };
            Outcome o = run(c, random, verdicts);
            String label = "case " + n + ": " + c;
            Summary summary = o.listener().summary();
            List<RecordingListener.Frame> frames = o.listener().frames;

            // frames are reported in order; nothing is reported after a cut
            int firstCut = -1;
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i).outcome() == FrameOutcome.CUT_BLOCKED || frames.get(i).outcome() == FrameOutcome.CUT_UNAVAILABLE) {
                    firstCut = i;
                    break;
                }
            }
            assertEquals(firstCut >= 0, summary.cut(), label);
            if (firstCut >= 0) assertEquals(firstCut + 1, frames.size(), label);

            StringBuilder passed = new StringBuilder();
            StringBuilder reported = new StringBuilder();
            for (int i = 0; i < frames.size(); i++) {
                reported.append(frames.get(i).text());
                if (i != firstCut) passed.append(frames.get(i).text());
            }
            assertTrue(c.text().startsWith(reported.toString()), label);

            List<Sse.Event> events = Sse.events(o.client());
            if (summary.cut()) {
                cuts++;
                // A stream that carried usage before the cut gets a usage chunk before [DONE] (read or not, by timing).
                int k = events.size();
                boolean usage = k >= 2 && events.get(k - 2).json() != null && events.get(k - 2).json().has("usage");
                int end = usage ? k - 1 : k; // index after the content_filter chunk, past an optional usage chunk
                assertTrue(end >= 3, label);
                String notice = frames.get(firstCut).outcome() == FrameOutcome.CUT_UNAVAILABLE ? UNAVAILABLE : BLOCKED;
                assertEquals(notice, Sse.choiceText(events.subList(end - 3, end - 2)), label);
                assertEquals("content_filter", events.get(end - 2).json().path("choices").path(0).path("finish_reason").asText(), label);
                assertEquals("[DONE]", events.get(k - 1).data(), label);
                String releasedText = Sse.choiceText(events.subList(0, end - 3));
                assertEquals(passed.toString(), releasedText, label);
                assertEquals(releasedText, summary.releasedText(), label);
                // what was released is the upstream's own bytes, whole events only
                ByteString tail = ByteString.fromString(String.join("", events.subList(end - 3, k).stream()
                        .map(e -> "data: " + e.data() + "\n\n").toList()));
                ByteString released = o.client().take(o.client().length() - tail.length());
                assertEquals(released, c.released().take(released.length()), label);
                assertTrue(released.isEmpty() || released.utf8String().endsWith("\n\n"), label);
            } else {
                assertEquals(c.released().utf8String(), o.client().utf8String(), label);
                assertEquals(c.text(), Sse.choiceText(events), label);
                assertEquals(c.text(), passed.toString(), label);
                assertEquals(c.text(), summary.releasedText(), label);
            }
        }
        assertTrue(cuts > 50 && cuts < 250, "the generator exercises both outcomes: " + cuts + " cuts");
    }

    @Test
    void aFlaggedPhraseSplitOverTokensAndFramesNeverReachesTheClient() throws Exception {
        String bad = "FORBIDDENPHRASE";
        Random random = new Random(77);
        for (int n = 0; n < 150; n++) {
            Case c = generate(random, bad);
            Outcome o = run(c, random, text -> ScriptedModerator.judged(text.contains(bad) ? Suggestion.BLOCK : Suggestion.PASS));
            String label = "case " + n + ": " + c;
            String clientText = Sse.choiceText(Sse.events(o.client()));
            assertFalse(clientText.contains(bad), label);
            assertTrue(o.listener().summary().cut(), label);
            String released = o.listener().summary().releasedText();
            assertTrue(c.text().startsWith(released), label);
            assertEquals(released + BLOCKED, clientText, label);
        }
    }
}
