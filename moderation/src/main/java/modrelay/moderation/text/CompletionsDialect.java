package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/** Legacy {@code /v1/completions}: text in {@code choices[].text}; the stream ends with {@code data: [DONE]}. */
public final class CompletionsDialect implements Dialect {

    public static final CompletionsDialect INSTANCE = new CompletionsDialect();

    private static final ChoiceEvents.TextFields FIELDS = (choice, index, texts, repeats) ->
            ChoiceEvents.add(texts, "t" + index, Json.text(choice, "text"));

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
