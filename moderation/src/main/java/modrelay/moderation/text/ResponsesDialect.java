package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /v1/responses}: typed events. New text comes only in {@code *.delta} events; the
 * {@code *.done} and {@code response.completed} events repeat the whole text, so they carry no new text
 * but queue behind pending text like any other event. No {@code [DONE]}.
 */
public final class ResponsesDialect implements Dialect {

    public static final ResponsesDialect INSTANCE = new ResponsesDialect();

    static final String OUTPUT_TEXT_DELTA = "response.output_text.delta";

    private ResponsesDialect() {}

    @Override
    public String name() {
        return "responses";
    }

    @Override
    public DialectEvent read(SseEvent event) {
        if (event.data() == null) return DialectEvent.plain(event, null, false);
        JsonNode json = Json.parseOrNull(event.data());
        if (json == null || !json.isObject()) return DialectEvent.plain(event, json, false);
        String type = json.path("type").asText(event.event());
        return switch (type) {
            case OUTPUT_TEXT_DELTA, "response.refusal.delta" -> text(event, json,
                    "o:" + itemKey(json) + ":" + json.path("content_index").asInt(0));
            case "response.reasoning_summary_text.delta" -> text(event, json,
                    "s:" + itemKey(json) + ":" + json.path("summary_index").asInt(0));
            case "response.output_text.done", "response.refusal.done" -> DialectEvent.plain(event, json, true);
            case "response.completed", "response.incomplete", "response.failed" -> terminal(event, json, type);
            default -> DialectEvent.plain(event, json, false);
        };
    }

    private static String itemKey(JsonNode json) {
        String item = json.path("item_id").asText("");
        return item.isEmpty() ? json.path("output_index").asText("0") : item;
    }

    private static DialectEvent text(SseEvent event, JsonNode json, String channel) {
        String delta = Json.text(json, "delta");
        if (delta == null) return DialectEvent.plain(event, json, false);
        return new DialectEvent(event, json, List.of(new TextPiece(channel, delta)), false, null, null);
    }

    private static DialectEvent terminal(SseEvent event, JsonNode json, String type) {
        JsonNode response = json.path("response");
        JsonNode usage = response.get("usage");
        String usageJson = usage != null && usage.isObject() ? Json.write(usage) : null;
        return new DialectEvent(event, json, List.of(), true, finishReason(type, response), usageJson);
    }

    /** Responses have no finish reason; report it in chat terms so logs read the same across dialects. */
    private static String finishReason(String type, JsonNode response) {
        return switch (type) {
            case "response.completed" -> "stop";
            case "response.incomplete" -> response.path("incomplete_details").path("reason").asText("incomplete");
            default -> "failed";
        };
    }

    @Override
    public CutWriter newCutWriter() {
        return new ResponsesCutWriter();
    }

    @Override
    public List<String> wholeTexts(JsonNode body) {
        List<String> texts = new ArrayList<>();
        for (JsonNode item : body.path("output")) {
            for (JsonNode part : item.path("summary")) {
                if (part.path("type").asText().equals("summary_text")) addText(texts, part, "text");
            }
            for (JsonNode part : item.path("content")) {
                switch (part.path("type").asText()) {
                    case "output_text" -> addText(texts, part, "text");
                    case "refusal" -> addText(texts, part, "refusal");
                    default -> { }
                }
            }
        }
        return texts;
    }

    private static void addText(List<String> texts, JsonNode part, String field) {
        String text = Json.text(part, field);
        if (text != null) texts.add(text);
    }

    @Override
    public void cutWhole(ObjectNode body, String notice) {
        body.put("status", "incomplete");
        body.putObject("incomplete_details").put("reason", "content_filter");
        if (body.path("output_text").isTextual()) body.put("output_text", notice);
        for (JsonNode item : body.path("output")) {
            for (JsonNode part : item.path("summary")) {
                if (part instanceof ObjectNode p && p.path("type").asText().equals("summary_text")) p.put("text", notice);
            }
            for (JsonNode part : item.path("content")) {
                if (!(part instanceof ObjectNode p)) continue;
                switch (p.path("type").asText()) {
                    case "output_text" -> {
                        p.put("text", notice);
                        // annotations and logprobs point into the withheld text
                        if (p.has("annotations")) p.putArray("annotations");
                        if (p.has("logprobs")) p.putArray("logprobs");
                    }
                    case "refusal" -> p.put("refusal", notice);
                    default -> { }
                }
            }
        }
    }

    @Override
    public String wholeFinishReason(JsonNode body) {
        return switch (body.path("status").asText("")) {
            case "completed" -> "stop";
            case "incomplete" -> body.path("incomplete_details").path("reason").asText("incomplete");
            case "" -> "";
            default -> "failed";
        };
    }
}
