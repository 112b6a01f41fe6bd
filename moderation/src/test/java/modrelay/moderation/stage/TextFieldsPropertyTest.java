package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.ModerationListener.Summary;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.keywords.KeywordModerator;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random text fields (content, reasoning, refusal, two tools' arguments, audio transcript, over two
 * choices), random token splits, TCP chunkings, frame sizes, context windows and verdicts, seeded so
 * every failure repeats: nothing the moderator did not pass reaches the client, and a blocked term
 * spelled across lines, sentences and frames is always cut.
 */
class TextFieldsPropertyTest {

    static final String BLOCKED = "[withheld]";
    static final String UNAVAILABLE = "[unavailable]";
    static final String[] FIELDS = {"content", "reasoning_content", "reasoning", "refusal", "tool0", "tool1", "transcript"};
    static final String[] PIECES = ModerationFlowPropertyTest.PIECES;

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("TextFieldsPropertyTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    /** A text stream of the generated answer: a field of a choice. */
    record Channel(String field, int choice) {}

    record Token(Channel channel, String text) {}

    /** One generated upstream answer: its tokens in order, the upstream bytes, the options. */
    record Case(List<Token> tokens, ByteString upstream, ModerationOptions options) {
        Map<Channel, String> texts() {
            Map<Channel, StringBuilder> by = new LinkedHashMap<>();
            for (Token t : tokens) by.computeIfAbsent(t.channel(), c -> new StringBuilder()).append(t.text());
            Map<Channel, String> out = new LinkedHashMap<>();
            by.forEach((c, sb) -> out.put(c, sb.toString()));
            return out;
        }
    }

    static Channel randomChannel(Random random) {
        return new Channel(FIELDS[random.nextInt(FIELDS.length)], random.nextInt(4) == 0 ? 1 : 0);
    }

    /** Splits a piece into tokens of 1 to 3 characters, never inside a surrogate pair. */
    static void addTokens(List<Token> into, Channel channel, String piece, Random random) {
        int i = 0;
        while (i < piece.length()) {
            int end = Math.min(piece.length(), i + 1 + random.nextInt(3));
            if (end < piece.length() && Character.isHighSurrogate(piece.charAt(end - 1))) end++;
            into.add(new Token(channel, piece.substring(i, end)));
            i = end;
        }
    }

    static String chunk(Token token) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", "chatcmpl-p").put("object", "chat.completion.chunk").put("created", 1_700_000_000).put("model", "m");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", token.channel().choice());
        ObjectNode delta = choice.putObject("delta");
        String t = token.text();
        switch (token.channel().field()) {
            case "tool0", "tool1" -> delta.putArray("tool_calls").addObject()
                    .put("index", token.channel().field().equals("tool0") ? 0 : 1)
                    .putObject("function").put("arguments", t);
            case "transcript" -> delta.putObject("audio").put("transcript", t);
            default -> delta.put(token.channel().field(), t);
        }
        choice.putNull("finish_reason");
        return Json.write(chunk);
    }

    static Case generate(Random random, List<String> injected, Channel injectInto) {
        List<Token> tokens = new ArrayList<>();
        int pieces = random.nextInt(40);
        int injectAt = injected == null ? -1 : random.nextInt(pieces + 1);
        for (int i = 0; i <= pieces; i++) {
            if (i == injectAt) for (String p : injected) addTokens(tokens, injectInto, p, random);
            if (i < pieces) addTokens(tokens, randomChannel(random), PIECES[random.nextInt(PIECES.length)], random);
        }
        List<String> payloads = new ArrayList<>();
        payloads.add(Sse.chatRole());
        for (Token token : tokens) {
            payloads.add(chunk(token));
            if (random.nextInt(8) == 0) payloads.add(Sse.chatToolCall("")); // an event without text
        }
        if (random.nextBoolean()) {
            payloads.add(Sse.chatFinish("stop"));
            payloads.add(Sse.DONE);
        }
        int contextChars = injected != null ? 13 + random.nextInt(108) : random.nextInt(3) == 0 ? 0 : random.nextInt(121);
        ModerationOptions options = new ModerationOptions(
                random.nextBoolean() ? ModerationLevel.HIGH : ModerationLevel.LOW,
                random.nextBoolean() ? FailMode.CLOSED : FailMode.OPEN,
                BLOCKED, UNAVAILABLE,
                2 + random.nextInt(40),
                random.nextInt(4) == 0 ? Duration.ofMillis(1 + random.nextInt(5)) : Duration.ofSeconds(30),
                1 + random.nextInt(4),
                ModerationContext.NONE,
                contextChars);
        return new Case(tokens, Sse.data(payloads.toArray(String[]::new)), options);
    }

    record Outcome(ByteString client, RecordingListener listener) {}

    static Outcome run(Case c, Random random, Moderator moderator) throws Exception {
        var listener = new RecordingListener();
        List<ByteString> out = Source.from(Sse.randomChunks(c.upstream(), random, 40))
                .via(ModerationFlow.create(ChatDialect.INSTANCE, moderator, c.options(), listener))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Outcome(Sse.concat(out), listener);
    }

    /** What the client was shown per text stream, read back from the events it got. */
    static Map<Channel, String> shown(List<Sse.Event> events) {
        Map<Channel, StringBuilder> by = new LinkedHashMap<>();
        for (Sse.Event e : events) {
            JsonNode json = e.json();
            if (json == null) continue;
            for (JsonNode choice : json.path("choices")) {
                int index = choice.path("index").asInt();
                JsonNode delta = choice.path("delta");
                for (String field : List.of("content", "reasoning_content", "reasoning", "refusal")) {
                    if (delta.path(field).isTextual()) append(by, new Channel(field, index), delta.path(field).textValue());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    String args = call.path("function").path("arguments").asText("");
                    append(by, new Channel("tool" + call.path("index").asInt(), index), args);
                }
                append(by, new Channel("transcript", index), delta.path("audio").path("transcript").asText(""));
            }
        }
        Map<Channel, String> out = new LinkedHashMap<>();
        by.forEach((c, sb) -> { if (sb.length() > 0) out.put(c, sb.toString()); });
        return out;
    }

    private static void append(Map<Channel, StringBuilder> by, Channel channel, String text) {
        if (!text.isEmpty()) by.computeIfAbsent(channel, c -> new StringBuilder()).append(text);
    }

    static int[] codePointCounts(String s) {
        return s.codePoints().sorted().toArray();
    }

    @Test
    void nothingUnpassedIsEverReleasedWhateverTheField() throws Exception {
        Random random = new Random(20_261_201L);
        int cuts = 0;
        for (int n = 0; n < 300; n++) {
            Case c = generate(random, null, null);
            Random verdictRandom = new Random(random.nextLong());
            int cutChance = random.nextInt(4);
            Function<String, Verdict> verdicts = text -> {
                synchronized (verdictRandom) {
                    if (cutChance == 0 || verdictRandom.nextInt(2 + 2 * cutChance) != 0) return ScriptedModerator.judged(Suggestion.PASS);
                    return switch (verdictRandom.nextInt(3)) {
                        case 0 -> ScriptedModerator.judged(Suggestion.BLOCK);
                        case 1 -> ScriptedModerator.judged(Suggestion.REVIEW);
                        default -> new Verdict.Unavailable("timeout", "script");
                    };
                }
            };
            Outcome o = run(c, random, random.nextBoolean() ? ScriptedModerator.async(verdicts) : ScriptedModerator.verdicts(verdicts));
            String label = "case " + n + ": " + c.tokens() + " " + c.options();
            Summary summary = o.listener().summary();
            List<RecordingListener.Frame> frames = o.listener().frames;
            int firstCut = -1;
            for (int i = 0; i < frames.size() && firstCut < 0; i++) {
                FrameOutcome outcome = frames.get(i).outcome();
                if (outcome == FrameOutcome.CUT_BLOCKED || outcome == FrameOutcome.CUT_UNAVAILABLE) firstCut = i;
            }
            assertEquals(firstCut >= 0, summary.cut(), label);

            StringBuilder passed = new StringBuilder();
            for (int i = 0; i < frames.size(); i++) if (i != firstCut) passed.append(frames.get(i).text());

            List<Sse.Event> events = Sse.events(o.client());
            List<Sse.Event> released = events;
            if (summary.cut()) {
                cuts++;
                int k = events.size();
                released = events.subList(0, k - 3);
                String notice = frames.get(firstCut).outcome() == FrameOutcome.CUT_UNAVAILABLE ? UNAVAILABLE : BLOCKED;
                assertTrue(events.get(k - 3).data().contains("\"" + notice + "\""), label);
                assertEquals("content_filter", events.get(k - 2).json().path("choices").path(0).path("finish_reason").asText(), label);
                assertEquals("[DONE]", events.get(k - 1).data(), label);
                ByteString tail = ByteString.fromString(String.join("", events.subList(k - 3, k).stream()
                        .map(e -> "data: " + e.data() + "\n\n").toList()));
                ByteString releasedBytes = o.client().take(o.client().length() - tail.length());
                assertEquals(releasedBytes, c.upstream().take(releasedBytes.length()), label + ": the upstream's own bytes, in order");
                assertTrue(releasedBytes.isEmpty() || releasedBytes.utf8String().endsWith("\n\n"), label);
            } else {
                assertEquals(c.upstream().utf8String(), o.client().utf8String(), label);
            }
            Map<Channel, String> shown = shown(released);
            Map<Channel, String> full = c.texts();
            StringBuilder allShown = new StringBuilder();
            for (var e : shown.entrySet()) {
                assertTrue(full.get(e.getKey()).startsWith(e.getValue()), label + ": " + e.getKey() + " shows a prefix of its own text");
                allShown.append(e.getValue());
            }
            // every character shown was in a frame the moderator passed, and every passed one was shown
            assertTrue(java.util.Arrays.equals(codePointCounts(passed.toString()), codePointCounts(allShown.toString())),
                    label + ": passed " + passed + " shown " + allShown);
            assertEquals(passed.length(), summary.releasedText().length(), label);
        }
        assertTrue(cuts > 50 && cuts < 250, "the generator exercises both outcomes: " + cuts + " cuts");
    }

    @Test
    void aBlockedTermSpelledAcrossAnyFrameBoundaryIsCut() throws Exception {
        Random random = new Random(4_011L);
        String[] separators = {"\n", " ", ". ", "-", "\n\n", "。"};
        KeywordModerator keywords = KeywordModerator.of(List.of("block"));
        for (int n = 0; n < 200; n++) {
            // the spelled word stands apart from its neighbours, as a word does
            List<String> spelled = new ArrayList<>(List.of(random.nextBoolean() ? "\n" : " "));
            String letters = "block";
            StringBuilder term = new StringBuilder();
            for (int i = 0; i < letters.length(); i++) {
                String piece = String.valueOf(letters.charAt(i));
                if (i < letters.length() - 1) piece += separators[random.nextInt(separators.length)];
                spelled.add(piece);
                term.append(piece);
            }
            spelled.add(random.nextBoolean() ? "\n" : " ");
            Channel into = randomChannel(random);
            Case c = generate(random, spelled, into);
            Outcome o = run(c, random, keywords);
            String label = "case " + n + ": " + c.tokens() + " " + c.options();
            assertTrue(o.listener().summary().cut(), label);
            List<Sse.Event> events = Sse.events(o.client());
            String shown = shown(events.subList(0, events.size() - 3)).getOrDefault(into, ""); // not the cut's tail
            assertFalse(shown.contains(term.toString()), label);
            assertTrue(c.texts().get(into).startsWith(shown), label);
        }
    }
}
