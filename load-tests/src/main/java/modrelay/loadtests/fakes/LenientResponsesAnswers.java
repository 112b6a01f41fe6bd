package modrelay.loadtests.fakes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Responses API answers of the lenient fake, streamed (with the {@code .done} events that repeat the whole text)
 * and whole, with the text in an output_text, refusal, reasoning_text, reasoning summary or function-call
 * arguments item.
 */
final class LenientResponsesAnswers {
    private final String id;
    private final String model;
    private final long created = System.currentTimeMillis() / 1000;
    private int sequence;

    LenientResponsesAnswers(String id, String model) {
        this.id = id;
        this.model = model;
    }

    List<LenientStep> stream(LeakField field, List<LeakShape.Piece> pieces) {
        String text = LenientChatAnswers.join(pieces);
        List<LenientStep> out = new ArrayList<>();
        out.add(event("response.created", o().set("response", response("in_progress", null))));
        out.add(event("response.in_progress", o().set("response", response("in_progress", null))));
        boolean besideJson = field == LeakField.SSE_COMMENT || field == LeakField.SSE_UNKNOWN_FIELD;
        // text outside the JSON: the items themselves stay clean
        ObjectNode done = besideJson ? item(LeakField.CONTENT, LenientChatAnswers.CLEAN, "completed") : item(field, text, "completed");
        ObjectNode added = item(field, "", "in_progress");
        String itemId = done.path("id").asText();
        out.add(event("response.output_item.added", o().put("output_index", 0).set("item", added)));
        String deltaType;
        String doneType;
        String doneField;
        switch (field) {
            case REFUSAL -> {
                out.add(event("response.content_part.added", part(itemId, o().put("type", "refusal").put("refusal", ""))));
                deltaType = "response.refusal.delta";
                doneType = "response.refusal.done";
                doneField = "refusal";
            }
            case REASONING_TEXT, REASONING_CONTENT -> {
                out.add(event("response.content_part.added", part(itemId, o().put("type", "reasoning_text").put("text", ""))));
                deltaType = "response.reasoning_text.delta";
                doneType = "response.reasoning_text.done";
                doneField = "text";
            }
            case REASONING_SUMMARY -> {
                out.add(event("response.reasoning_summary_part.added", o().put("item_id", itemId).put("output_index", 0)
                        .put("summary_index", 0).set("part", o().put("type", "summary_text").put("text", ""))));
                deltaType = "response.reasoning_summary_text.delta";
                doneType = "response.reasoning_summary_text.done";
                doneField = "text";
            }
            case TOOL_ARGUMENTS -> {
                deltaType = "response.function_call_arguments.delta";
                doneType = "response.function_call_arguments.done";
                doneField = "arguments";
                text = argumentsOf(text);
                pieces = new ArrayList<>();
                for (int i = 0; i < text.length(); i += 4) {
                    pieces.add(new LeakShape.Piece(text.substring(i, Math.min(text.length(), i + 4)), java.time.Duration.ZERO));
                }
            }
            default -> {
                out.add(event("response.content_part.added", part(itemId, o().put("type", "output_text").put("text", "")
                        .set("annotations", FakeUpstreamJson.MAPPER.createArrayNode()))));
                deltaType = "response.output_text.delta";
                doneType = "response.output_text.done";
                doneField = "text";
            }
        }
        for (LeakShape.Piece p : pieces) {
            ObjectNode delta = o().put("item_id", itemId).put("output_index", 0);
            if (field == LeakField.REASONING_SUMMARY) delta.put("summary_index", 0);
            else if (field != LeakField.TOOL_ARGUMENTS) delta.put("content_index", 0);
            delta.put("delta", p.text());
            if (deltaType.equals("response.output_text.delta")) delta.set("logprobs", FakeUpstreamJson.MAPPER.createArrayNode());
            LenientStep step = switch (field) {
                case SSE_COMMENT -> LenientStep.raw(LenientChatAnswers.comment(p.text()));
                case SSE_UNKNOWN_FIELD -> LenientStep.raw("note: " + p.text().replace("\n", "\nnote: ") + "\n\n");
                default -> event(deltaType, delta);
            };
            out.add(step.after(p.pauseBefore()));
        }
        if (!besideJson) {
            ObjectNode fin = o().put("item_id", itemId).put("output_index", 0);
            if (field != LeakField.TOOL_ARGUMENTS && field != LeakField.REASONING_SUMMARY) fin.put("content_index", 0);
            if (field == LeakField.REASONING_SUMMARY) fin.put("summary_index", 0);
            fin.put(doneField, text);
            out.add(event(doneType, fin));
        }
        out.add(event("response.output_item.done", o().put("output_index", 0).set("item", done)));
        ArrayNode output = FakeUpstreamJson.MAPPER.createArrayNode().add(done);
        out.add(event("response.completed", o().set("response", response("completed", output))));
        return out;
    }

    ObjectNode whole(LeakField field, String text) {
        ArrayNode output = FakeUpstreamJson.MAPPER.createArrayNode().add(item(field, text, "completed"));
        return response("completed", output);
    }

    /** One output item holding {@code text} in the field's place. */
    ObjectNode item(LeakField field, String text, String status) {
        return switch (field) {
            case REFUSAL -> message("msg_" + id, status, text.isEmpty() ? null : o().put("type", "refusal").put("refusal", text));
            case REASONING_TEXT, REASONING_CONTENT -> {
                ObjectNode r = o().put("id", "rs_" + id).put("type", "reasoning");
                r.putArray("summary");
                ArrayNode content = r.putArray("content");
                if (!text.isEmpty()) content.addObject().put("type", "reasoning_text").put("text", text);
                yield r;
            }
            case REASONING_SUMMARY -> {
                ObjectNode r = o().put("id", "rs_" + id).put("type", "reasoning");
                ArrayNode summary = r.putArray("summary");
                if (!text.isEmpty()) summary.addObject().put("type", "summary_text").put("text", text);
                yield r;
            }
            case TOOL_ARGUMENTS -> o().put("id", "fc_" + id).put("type", "function_call").put("status", status)
                    .put("call_id", "call_" + id).put("name", "lookup").put("arguments", text.isEmpty() ? "" : argumentsOf(text));
            default -> message("msg_" + id, status, text.isEmpty() ? null : o().put("type", "output_text").put("text", text)
                    .set("annotations", FakeUpstreamJson.MAPPER.createArrayNode()));
        };
    }

    private static String argumentsOf(String text) {
        return text.startsWith("{\"query\"") ? text : FakeUpstreamJson.MAPPER.createObjectNode().put("query", text).toString();
    }

    private ObjectNode message(String itemId, String status, ObjectNode part) {
        ObjectNode m = o().put("id", itemId).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (part != null) content.add(part);
        return m;
    }

    private ObjectNode part(String itemId, ObjectNode part) {
        return o().put("item_id", itemId).put("output_index", 0).put("content_index", 0).set("part", part);
    }

    private ObjectNode response(String status, ArrayNode output) {
        ObjectNode r = o().put("id", "resp_" + id).put("object", "response").put("created_at", created).put("status", status)
                .put("model", model);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("output", output == null ? FakeUpstreamJson.MAPPER.createArrayNode() : output);
        r.put("parallel_tool_calls", true);
        r.putArray("tools");
        r.put("tool_choice", "auto");
        if (output != null) r.set("usage", o().put("input_tokens", 5).put("output_tokens", 20).put("total_tokens", 25));
        else r.putNull("usage");
        return r;
    }

    private LenientStep event(String type, com.fasterxml.jackson.databind.JsonNode body) {
        ObjectNode json = o().put("type", type).put("sequence_number", sequence++);
        json.setAll((ObjectNode) body);
        return LenientStep.event(type, json);
    }

    private static ObjectNode o() {
        return FakeUpstreamJson.MAPPER.createObjectNode();
    }
}
