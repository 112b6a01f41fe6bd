package modrelay.moderation.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.SentenceFramer;
import modrelay.moderation.text.WholeAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Moderates a non-streamed answer as a whole: every text of it, split into parts a moderator call can
 * take (cut after a sentence end where possible), all parts at once. If any part cuts, every text of
 * the answer is replaced by the notice and the answer is marked as filtered; the rest of the JSON is
 * kept. An answer that cannot be read (not a JSON object, or a text field of another type) is not
 * released: the result is {@link Result#unreadable()} with an OpenAI-shaped error body for a 502.
 */
public final class WholeResponseModeration {

    private static final Logger log = LoggerFactory.getLogger(WholeResponseModeration.class);

    /**
     * @param body       the bytes to send to the client
     * @param cut        whether moderation replaced the text
     * @param unreadable the answer could not be read: {@code body} is an OpenAI-shaped error to send with 502
     */
    public record Result(byte[] body, boolean cut, boolean unreadable) {
        public Result(byte[] body, boolean cut) {
            this(body, cut, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && r.cut == cut && r.unreadable == unreadable && Arrays.equals(r.body, body);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(body) + Boolean.hashCode(cut) + 7 * Boolean.hashCode(unreadable);
        }

        @Override
        public String toString() {
            return "Result[" + body.length + " bytes, cut=" + cut + ", unreadable=" + unreadable + "]";
        }
    }

    static final byte[] UNREADABLE_BODY = ("{\"error\":{\"message\":\"The upstream answer could not be read for moderation,"
            + " so it was not released.\",\"type\":\"server_error\",\"code\":\"moderation_unreadable_answer\"}}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private WholeResponseModeration() {}

    public static CompletionStage<Result> moderate(Dialect dialect, byte[] responseJson, Moderator moderator,
                                                   ModerationOptions options, ModerationListener listener) {
        ModerationListener safeListener = listener == null ? ModerationListener.NONE : listener;
        JsonNode root = parse(responseJson);
        WholeAnswer answer = root instanceof ObjectNode ? dialect.readWhole(root) : new WholeAnswer.Unreadable("not a JSON object");
        if (options.level() != ModerationLevel.OFF && answer instanceof WholeAnswer.Unreadable unreadable) {
            onFrame(safeListener, "", new Verdict.Unavailable("unreadable answer: " + unreadable.reason(), "relay"),
                    FrameOutcome.CUT_UNAVAILABLE);
            end(safeListener, new ModerationListener.Summary("", true, "content_filter", ""));
            return CompletableFuture.completedFuture(new Result(UNREADABLE_BODY, true, true));
        }
        if (!(root instanceof ObjectNode body) || !(answer instanceof WholeAnswer.Texts readable)) {
            end(safeListener, new ModerationListener.Summary("", false, "", ""));
            return CompletableFuture.completedFuture(new Result(responseJson, false));
        }
        List<String> texts = readable.texts();
        JsonNode usage = body.get("usage");
        String usageJson = usage != null && usage.isObject() ? Json.write(usage) : "";
        String finishReason = dialect.wholeFinishReason(body);
        if (texts.isEmpty() || options.level() == ModerationLevel.OFF) {
            end(safeListener, new ModerationListener.Summary(String.join("\n", texts), false, finishReason, usageJson));
            return CompletableFuture.completedFuture(new Result(responseJson, false));
        }

        List<String> parts = new ArrayList<>();
        for (String text : texts) parts.addAll(SentenceFramer.split(text, SafeModeration.MAX_CALL_CHARS));
        List<CompletableFuture<Verdict>> verdicts = parts.stream()
                .map(part -> SafeModeration.call(moderator, part, options.context()).toCompletableFuture())
                .toList();

        return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            FrameOutcome cutBy = null;
            for (int i = 0; i < parts.size() && cutBy == null; i++) {
                Verdict verdict = verdicts.get(i).join();
                FrameOutcome outcome = FrameDecision.outcome(verdict, options);
                onFrame(safeListener, parts.get(i), verdict, outcome);
                if (!FrameDecision.released(outcome)) cutBy = outcome;
            }
            if (cutBy == null) {
                end(safeListener, new ModerationListener.Summary(String.join("\n", texts), false, finishReason, usageJson));
                return new Result(responseJson, false);
            }
            dialect.cutWhole(body, options.notice(cutBy == FrameOutcome.CUT_UNAVAILABLE));
            end(safeListener, new ModerationListener.Summary("", true, "content_filter", usageJson));
            return new Result(write(body), true);
        });
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    private static void onFrame(ModerationListener listener, String text, Verdict verdict, FrameOutcome outcome) {
        try {
            listener.onFrame(text, verdict, outcome);
        } catch (RuntimeException e) {
            log.warn("moderation listener failed in onFrame", e);
        }
    }

    private static void end(ModerationListener listener, ModerationListener.Summary summary) {
        try {
            listener.onEnd(summary);
        } catch (RuntimeException e) {
            log.warn("moderation listener failed in onEnd", e);
        }
    }
}
