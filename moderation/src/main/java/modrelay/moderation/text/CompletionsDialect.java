package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/** Legacy {@code /v1/completions}: text in {@code choices[].text}; the stream ends with {@code data: [DONE]}. */
public final class CompletionsDialect implements Dialect {

    public static final CompletionsDialect INSTANCE = new CompletionsDialect();

    private static final ChoiceEvents.TextFields FIELDS = (choice, index, texts, repeats) -> {
        ChoiceEvents.add(texts, "t" + index, Json.text(choice, "text"));
        ChoiceEvents.add(texts, "~l" + index, logprobTokens(choice));
    };

    /** {@code logprobs.tokens} and the keys of {@code logprobs.top_logprobs} (alternatives a client may show). */
    static String logprobTokens(JsonNode choice) {
        JsonNode logprobs = Json.object(choice, "logprobs");
        if (logprobs == null) return null;
        StringBuilder sb = new StringBuilder();
        for (JsonNode token : Json.array(logprobs, "tokens")) {
            if (!token.isTextual()) throw new UnreadableText("logprobs token is " + token.getNodeType());
            if (sb.length() > 0) sb.append(' ');
            sb.append(token.textValue());
        }
        for (JsonNode alternatives : Json.array(logprobs, "top_logprobs")) {
            if (alternatives == null || alternatives.isNull()) continue;
            if (!alternatives.isObject()) throw new UnreadableText("top_logprobs entry is " + alternatives.getNodeType());
            alternatives.fieldNames().forEachRemaining(t -> sb.append(sb.length() > 0 ? " " : "").append(t));
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private CompletionsDialect() {}

    @Override
    public String name() {
        return "completions";
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
        return new ChoicesCutWriter("text_completion", false);
    }

    @Override
    public WholeAnswer readWhole(JsonNode body) {
        try {
            List<String> texts = new ArrayList<>();
            for (JsonNode choice : Json.array(body, "choices")) {
                String text = Json.text(choice, "text");
                if (text != null) texts.add(text);
                String tokens = logprobTokens(choice);
                if (tokens != null) texts.add(tokens);
            }
            return new WholeAnswer.Texts(texts);
        } catch (UnreadableText e) {
            return new WholeAnswer.Unreadable(e.getMessage());
        }
    }

    @Override
    public void cutWhole(ObjectNode body, String notice) {
        for (JsonNode choice : body.path("choices")) {
            if (!(choice instanceof ObjectNode c)) continue;
            c.put("text", notice);
            if (c.has("logprobs")) c.putNull("logprobs");
            c.put("finish_reason", "content_filter");
        }
    }

    @Override
    public String wholeFinishReason(JsonNode body) {
        return ChoiceEvents.firstFinishReason(body);
    }
}
