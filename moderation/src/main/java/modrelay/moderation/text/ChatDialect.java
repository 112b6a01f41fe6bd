package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /v1/chat/completions}. Every string a client may render as the model's words is text, each in
 * its own text stream per choice (so tool arguments are framed on their own, never inside a sentence of
 * the content): {@code content}, {@code reasoning_content} and {@code reasoning} (compatible servers use
 * either), {@code refusal}, each tool call's {@code function.arguments} (per tool index), the legacy
 * {@code function_call.arguments}, {@code audio.transcript}. Streamed in {@code delta}; a chunk's
 * {@code message} (some servers repeat the whole message at the end) is read as whole texts to check.
 * The tokens of {@code logprobs} (with their alternatives, words the model did not say) are a text
 * stream of their own too. Tool and function names are not text: OpenAI only returns names the client itself declared.
 * The stream ends with {@code data: [DONE]}.
 */
public final class ChatDialect implements Dialect {

    public static final ChatDialect INSTANCE = new ChatDialect();

    private static final ChoiceEvents.TextFields FIELDS = (choice, index, texts, repeats) -> {
        messageTexts(Json.object(choice, "delta"), index, texts);
        logprobTexts(choice, index, texts);
        messageTexts(Json.object(choice, "message"), index, repeats);
    };

    /** {@code logprobs.content} / {@code logprobs.refusal}: tokens and their alternatives, a text stream each. */
    static void logprobTexts(JsonNode choice, int i, List<TextPiece> into) {
        JsonNode logprobs = Json.object(choice, "logprobs");
        if (logprobs == null) return;
        ChoiceEvents.add(into, "~lc" + i, Json.logprobTokens(logprobs.get("content")));
        ChoiceEvents.add(into, "~lr" + i, Json.logprobTokens(logprobs.get("refusal")));
    }

    private ChatDialect() {}

    /** The texts of a delta or a message of choice {@code i}, each under its text stream's name. */
    static void messageTexts(JsonNode m, int i, List<TextPiece> into) {
        if (m == null) return;
        ChoiceEvents.add(into, "r" + i, Json.text(m, "reasoning_content"));
        ChoiceEvents.add(into, "g" + i, Json.text(m, "reasoning"));
        ChoiceEvents.add(into, "c" + i, Json.text(m, "content"));
        ChoiceEvents.add(into, "x" + i, Json.text(m, "refusal"));
        int position = 0;
        for (JsonNode call : Json.array(m, "tool_calls")) {
            int tool = call.path("index").asInt(position++);
            ChoiceEvents.add(into, "f" + i + "." + tool, Json.text(Json.object(call, "function"), "arguments"));
        }
        ChoiceEvents.add(into, "fc" + i, Json.text(Json.object(m, "function_call"), "arguments"));
        ChoiceEvents.add(into, "a" + i, Json.text(Json.object(m, "audio"), "transcript"));
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public ErrorEventShape errorEventShape() {
        return ErrorEventShape.DATA_ERROR_OBJECT;
    }

    @Override
    public DialectEvent read(SseEvent event) {
        return ChoiceEvents.read(event, FIELDS);
    }

    @Override
    public CutWriter newCutWriter() {
        return new ChoicesCutWriter("chat.completion.chunk", true);
    }

    @Override
    public WholeAnswer readWhole(JsonNode body) {
        try {
            List<TextPiece> pieces = new ArrayList<>();
            int position = 0;
            for (JsonNode choice : Json.array(body, "choices")) {
                int index = choice.path("index").asInt(position++);
                messageTexts(Json.object(choice, "message"), index, pieces);
                logprobTexts(choice, index, pieces);
            }
            return new WholeAnswer.Texts(pieces.stream().map(TextPiece::text).toList());
        } catch (UnreadableText e) {
            return new WholeAnswer.Unreadable(e.getMessage());
        }
    }

    /**
     * Every text becomes the notice or goes: content and reasoning read the notice, a refusal too; tool
     * calls and audio are removed (a client would run the call, play the audio of the withheld text).
     */
    @Override
    public void cutWhole(ObjectNode body, String notice) {
        for (JsonNode choice : body.path("choices")) {
            if (!(choice instanceof ObjectNode c)) continue;
            if (c.get("message") instanceof ObjectNode message) {
                message.put("content", notice);
                if (message.hasNonNull("reasoning_content")) message.put("reasoning_content", notice);
                if (message.hasNonNull("reasoning")) message.put("reasoning", notice);
                if (message.hasNonNull("refusal")) message.put("refusal", notice);
                message.remove("tool_calls");
                message.remove("function_call");
                message.remove("audio");
            }
            if (c.has("logprobs")) c.putNull("logprobs"); // the withheld tokens
            c.put("finish_reason", "content_filter");
        }
    }

    @Override
    public String wholeFinishReason(JsonNode body) {
        return ChoiceEvents.firstFinishReason(body);
    }
}
