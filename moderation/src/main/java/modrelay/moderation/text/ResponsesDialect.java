package modrelay.moderation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseEvent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code /v1/responses}: typed events. New text comes in {@code *.delta} events, each text part its own
 * text stream: {@code output_text}, {@code refusal}, {@code reasoning_text}, {@code reasoning_summary_text},
 * {@code function_call_arguments}, and any other {@code *.delta} with a string {@code delta} (code,
 * MCP arguments, custom tool input, audio transcript; only {@code response.audio.delta}, base64 audio,
 * is not text), and the tokens of a delta's {@code logprobs} with their alternatives (words the model
 * did not say, that a client may still show) as a text stream of their own. Fail closed by default: a new delta type the relay has never heard of is judged.
 *
 * <p>{@code *.done}, {@code response.content_part.*}, {@code response.output_item.*} and the
 * {@code response.*} lifecycle events repeat whole texts; they are read as {@link DialectEvent#repeats()}
 * under the same text stream names, for the gate to prove them equal to what was streamed. No {@code [DONE]}.
 */
public final class ResponsesDialect implements Dialect {

    public static final ResponsesDialect INSTANCE = new ResponsesDialect();

    static final String OUTPUT_TEXT_DELTA = "response.output_text.delta";
    private static final String[] DONE_TEXT_FIELDS = {"text", "refusal", "arguments", "code", "input", "transcript"};

    private ResponsesDialect() {}

    @Override
    public String name() {
        return "responses";
    }

    @Override
    public ErrorEventShape errorEventShape() {
        return ErrorEventShape.TYPED_ERROR_EVENT;
    }

    @Override
    public DialectEvent read(SseEvent event) {
        if (event.data() == null || event.data().isBlank()) return DialectEvent.plain(event, null, false);
        // not in OpenAI's Responses API, but some compatible servers end with it as in chat
        if (ChoiceEvents.isDone(event.data())) return DialectEvent.plain(event, null, true);
        JsonNode json = Json.parseOrNull(event.data());
        if (json == null || !json.isObject()) return DialectEvent.unreadable(event);
        try {
            return read(event, json, json.path("type").asText(event.event()));
        } catch (UnreadableText e) {
            return DialectEvent.unreadable(event);
        }
    }

    private static DialectEvent read(SseEvent event, JsonNode json, String type) {
        List<TextPiece> repeats = new ArrayList<>(0);
        switch (type) {
            case "response.audio.delta" -> {
                return DialectEvent.plain(event, json, false); // base64 audio; its transcript has its own events
            }
            case "response.output_item.added", "response.output_item.done" -> {
                JsonNode item = Json.object(json, "item");
                if (item != null) itemTexts(item, itemKey(item.path("id"), json.path("output_index")), repeats);
            }
            case "response.content_part.added", "response.content_part.done" ->
                    partTexts(Json.object(json, "part"), itemKey(json), json.path("content_index").asInt(0), repeats);
            case "response.reasoning_summary_part.added", "response.reasoning_summary_part.done" -> {
                JsonNode part = Json.object(json, "part");
                ChoiceEvents.add(repeats, key("s", itemKey(json), json.path("summary_index").asInt(0)), Json.text(part, "text"));
            }
            case "response.created", "response.in_progress", "response.queued",
                 "response.completed", "response.incomplete", "response.failed" -> {
                JsonNode response = Json.object(json, "response");
                outputTexts(response, repeats);
                if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
                    JsonNode usage = response == null ? null : response.get("usage");
                    String usageJson = usage != null && usage.isObject() ? Json.write(usage) : null;
                    return new DialectEvent(event, json, List.of(), repeats, true, finishReason(type, response), usageJson, false);
                }
            }
            default -> {
                if (type.endsWith(".delta")) {
                    List<TextPiece> texts = new ArrayList<>(1);
                    ChoiceEvents.add(texts, deltaChannel(type, json), Json.text(json, "delta"));
                    ChoiceEvents.add(texts, "~lp" + deltaChannel(type, json), Json.logprobTokens(json.get("logprobs")));
                    if (texts.isEmpty()) return DialectEvent.plain(event, json, false);
                    return new DialectEvent(event, json, texts, List.of(), false, null, null, false);
                }
                if (type.endsWith(".done")) {
                    String channel = deltaChannel(type.substring(0, type.length() - ".done".length()) + ".delta", json);
                    for (String field : DONE_TEXT_FIELDS) ChoiceEvents.add(repeats, channel, Json.text(json, field));
                    ChoiceEvents.add(repeats, "~lp" + channel, Json.logprobTokens(json.get("logprobs")));
                    return new DialectEvent(event, json, List.of(), repeats, true, null, null, false);
                }
            }
        }
        return new DialectEvent(event, json, List.of(), repeats, false, null, null, false);
    }

    /** The text stream a delta type writes to; whole objects name the same streams (see {@link #itemTexts}). */
    private static String deltaChannel(String type, JsonNode json) {
        String item = itemKey(json);
        return switch (type) {
            case OUTPUT_TEXT_DELTA -> key("o", item, json.path("content_index").asInt(0));
            case "response.refusal.delta" -> key("x", item, json.path("content_index").asInt(0));
            case "response.reasoning_text.delta" -> key("rt", item, json.path("content_index").asInt(0));
            case "response.reasoning_summary_text.delta" -> key("s", item, json.path("summary_index").asInt(0));
            case "response.function_call_arguments.delta" -> key("f", item, 0);
            default -> key(type.substring(0, type.length() - ".delta".length()), item, json.path("content_index").asInt(0));
        };
    }

    private static String key(String kind, String item, int index) {
        return kind + ":" + item + ":" + index;
    }

    private static String itemKey(JsonNode json) {
        return itemKey(json.path("item_id"), json.path("output_index"));
    }

    private static String itemKey(JsonNode id, JsonNode outputIndex) {
        String item = id.asText("");
        return item.isEmpty() ? "#" + outputIndex.asText("0") : item;
    }

    private static void outputTexts(JsonNode response, List<TextPiece> into) {
        int position = 0;
        for (JsonNode item : Json.array(response, "output")) {
            itemTexts(item, itemKey(item.path("id"), com.fasterxml.jackson.databind.node.IntNode.valueOf(position++)), into);
        }
    }

    /** The texts of one output item, under the names of the text streams their deltas use. */
    private static void itemTexts(JsonNode item, String itemKey, List<TextPiece> into) {
        switch (item.path("type").asText("")) {
            case "message" -> {
                int j = 0;
                for (JsonNode part : Json.array(item, "content")) partTexts(part, itemKey, j++, into);
            }
            case "function_call" -> ChoiceEvents.add(into, key("f", itemKey, 0), Json.text(item, "arguments"));
            case "reasoning" -> {
                int j = 0;
                for (JsonNode part : Json.array(item, "summary")) {
                    ChoiceEvents.add(into, key("s", itemKey, j++), Json.text(part, "text"));
                }
                j = 0;
                for (JsonNode part : Json.array(item, "content")) {
                    ChoiceEvents.add(into, key("rt", itemKey, j++), Json.text(part, "text"));
                }
            }
            case "custom_tool_call" -> ChoiceEvents.add(into, key("response.custom_tool_call_input", itemKey, 0), Json.text(item, "input"));
            case "code_interpreter_call" -> ChoiceEvents.add(into, key("response.code_interpreter_call_code", itemKey, 0), Json.text(item, "code"));
            case "mcp_call" -> ChoiceEvents.add(into, key("response.mcp_call_arguments", itemKey, 0), Json.text(item, "arguments"));
            default -> { }
        }
    }

    private static void partTexts(JsonNode part, String itemKey, int index, List<TextPiece> into) {
        if (part == null) return;
        switch (part.path("type").asText("")) {
            case "output_text" -> {
                ChoiceEvents.add(into, key("o", itemKey, index), Json.text(part, "text"));
                ChoiceEvents.add(into, "~lp" + key("o", itemKey, index), Json.logprobTokens(part.get("logprobs")));
            }
            case "refusal" -> ChoiceEvents.add(into, key("x", itemKey, index), Json.text(part, "refusal"));
            case "reasoning_text" -> ChoiceEvents.add(into, key("rt", itemKey, index), Json.text(part, "text"));
            default -> { }
        }
    }

    /** Responses have no finish reason; report it in chat terms so logs read the same across dialects. */
    private static String finishReason(String type, JsonNode response) {
        return switch (type) {
            case "response.completed" -> "stop";
            case "response.incomplete" -> response == null ? "incomplete"
                    : response.path("incomplete_details").path("reason").asText("incomplete");
            default -> "failed";
        };
    }

    @Override
    public CutWriter newCutWriter() {
        return new ResponsesCutWriter();
    }

    @Override
    public WholeAnswer readWhole(JsonNode body) {
        try {
            List<TextPiece> pieces = new ArrayList<>();
            outputTexts(body, pieces);
            List<String> texts = new ArrayList<>(pieces.stream().map(TextPiece::text).toList());
            String convenience = Json.text(body, "output_text"); // an SDK field; a lenient server may send it
            if (convenience != null) texts.add(convenience);
            return new WholeAnswer.Texts(texts);
        } catch (UnreadableText e) {
            return new WholeAnswer.Unreadable(e.getMessage());
        }
    }

    /**
     * Texts become the notice; items whose text a client would execute (function, custom tool, code
     * interpreter and MCP calls) are removed; the answer is marked incomplete for content_filter.
     */
    @Override
    public void cutWhole(ObjectNode body, String notice) {
        body.put("status", "incomplete");
        body.putObject("incomplete_details").put("reason", "content_filter");
        if (body.path("output_text").isTextual()) body.put("output_text", notice);
        if (!(body.get("output") instanceof ArrayNode output)) return;
        for (Iterator<JsonNode> it = output.elements(); it.hasNext(); ) {
            JsonNode item = it.next();
            switch (item.path("type").asText("")) {
                case "function_call", "custom_tool_call", "code_interpreter_call", "mcp_call" -> it.remove();
                default -> {
                    for (JsonNode part : item.path("summary")) {
                        if (part instanceof ObjectNode p && p.has("text")) p.put("text", notice);
                    }
                    for (JsonNode part : item.path("content")) {
                        if (!(part instanceof ObjectNode p)) continue;
                        switch (p.path("type").asText()) {
                            case "output_text", "reasoning_text" -> {
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
