package modrelay.moderation.text;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseWriter;

import java.util.List;

/**
 * Ends a cut Responses stream: an {@code response.output_text.delta} with the notice on the text part
 * being written, then {@code response.incomplete} carrying the last response object the client saw
 * (from {@code response.created}/{@code response.in_progress}, so every required field is there) with
 * status "incomplete" and reason "content_filter". Sequence numbers continue from the last one sent.
 */
final class ResponsesCutWriter implements CutWriter {

    private JsonNode lastResponse;
    private JsonNode lastDelta;
    private long lastSequence = -1;

    @Override
    public void released(DialectEvent event) {
        JsonNode json = event.json();
        if (json == null || !json.isObject()) return;
        JsonNode seq = json.get("sequence_number");
        if (seq != null && seq.canConvertToLong()) lastSequence = Math.max(lastSequence, seq.asLong());
        switch (json.path("type").asText("")) {
            case "response.created", "response.in_progress" -> {
                if (json.get("response") instanceof ObjectNode response) lastResponse = response;
            }
            case ResponsesDialect.OUTPUT_TEXT_DELTA -> lastDelta = json;
            default -> { }
        }
    }

    @Override
    public ByteString cut(String notice, List<DialectEvent> blocked) {
        JsonNode target = firstWithheldDelta(blocked);
        if (target == null) target = lastDelta;
        JsonNode response = lastResponse;
        if (response == null) {
            for (DialectEvent event : blocked) {
                if (event.json() != null && event.json().get("response") instanceof ObjectNode r) {
                    response = r;
                    break;
                }
            }
        }

        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("type", ResponsesDialect.OUTPUT_TEXT_DELTA);
        delta.put("sequence_number", lastSequence + 1);
        delta.put("item_id", target == null ? "" : target.path("item_id").asText(""));
        delta.put("output_index", target == null ? 0 : target.path("output_index").asInt(0));
        delta.put("content_index", target == null ? 0 : target.path("content_index").asInt(0));
        delta.put("delta", notice);
        delta.putArray("logprobs");

        ObjectNode incomplete = response == null ? minimalResponse() : response.deepCopy();
        incomplete.put("status", "incomplete");
        incomplete.putObject("incomplete_details").put("reason", "content_filter");
        ObjectNode end = Json.MAPPER.createObjectNode();
        end.put("type", "response.incomplete");
        end.put("sequence_number", lastSequence + 2);
        end.set("response", incomplete);

        return SseWriter.event(ResponsesDialect.OUTPUT_TEXT_DELTA, Json.write(delta))
                .concat(SseWriter.event("response.incomplete", Json.write(end)));
    }

    /**
     * The withheld text belongs to the part its first delta names; that part was announced to the
     * client already (its "added" events carry no text, so they never wait behind it).
     */
    private static JsonNode firstWithheldDelta(List<DialectEvent> blocked) {
        for (DialectEvent event : blocked) {
            JsonNode json = event.json();
            if (json != null && json.path("type").asText("").equals(ResponsesDialect.OUTPUT_TEXT_DELTA)) return json;
        }
        return null;
    }

    private static ObjectNode minimalResponse() {
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.put("id", "");
        response.put("object", "response");
        response.put("created_at", System.currentTimeMillis() / 1000);
        response.putArray("output");
        return response;
    }
}
