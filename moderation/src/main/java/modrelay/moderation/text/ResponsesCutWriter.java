package modrelay.moderation.text;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ends a cut Responses stream the way a real stream ends, so clients that validate events (the official
 * SDKs, the Vercel AI SDK) read it as filtered rather than broken:
 * <ol>
 *   <li>the notice as {@code response.output_text.delta} on the text part being written (the one the
 *       withheld text belonged to, else the last one still open), or on a new message item announced
 *       with {@code response.output_item.added} + {@code response.content_part.added} when none is open;</li>
 *   <li>that part and item closed: {@code response.output_text.done}, {@code response.content_part.done},
 *       {@code response.output_item.done} (status "incomplete");</li>
 *   <li>{@code response.incomplete} with the response object the client saw ({@code response.created})
 *       carrying id, object, created_at, model, status "incomplete", the finished items plus the notice
 *       item as {@code output}, {@code incomplete_details.reason = "content_filter"} and {@code usage}: the
 *       upstream's own when it sent one, else estimated as released characters / 4.</li>
 * </ol>
 * Sequence numbers continue from the last one the client saw.
 */
final class ResponsesCutWriter implements CutWriter {

    /** A text part the client saw opened and not closed, with the text it has shown in it. */
    private static final class OpenPart {
        final String itemId;
        final int outputIndex;
        final int contentIndex;
        final StringBuilder text = new StringBuilder();

        OpenPart(String itemId, int outputIndex, int contentIndex) {
            this.itemId = itemId;
            this.outputIndex = outputIndex;
            this.contentIndex = contentIndex;
        }
    }

    private JsonNode lastResponse;
    private JsonNode lastUsage;
    private long lastSequence = -1;
    private long releasedChars;
    private int maxOutputIndex = -1;
    private final Map<String, OpenPart> openParts = new LinkedHashMap<>();
    private final TreeMap<Integer, JsonNode> doneItems = new TreeMap<>();

    @Override
    public void released(DialectEvent event) {
        for (TextPiece piece : event.texts()) releasedChars += piece.text().length();
        JsonNode json = event.json();
        if (json == null || !json.isObject()) return;
        JsonNode seq = json.get("sequence_number");
        if (seq != null && seq.canConvertToLong()) lastSequence = Math.max(lastSequence, seq.asLong());
        if (json.path("output_index").canConvertToInt()) maxOutputIndex = Math.max(maxOutputIndex, json.path("output_index").asInt());
        String type = json.path("type").asText("");
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> {
                if (json.get("response") instanceof ObjectNode response) lastResponse = response;
            }
            case "response.content_part.added" -> {
                if (json.path("part").path("type").asText("").equals("output_text")) openPart(json);
            }
            case ResponsesDialect.OUTPUT_TEXT_DELTA -> openPart(json).text.append(json.path("delta").asText(""));
            case "response.output_text.done", "response.content_part.done" -> openParts.remove(partKey(json));
            case "response.output_item.done" -> {
                if (json.get("item") instanceof ObjectNode item) doneItems.put(json.path("output_index").asInt(doneItems.size()), item);
            }
            default -> { }
        }
        JsonNode usage = json.path("response").get("usage");
        if (usage != null && usage.isObject()) lastUsage = usage;
    }

    private OpenPart openPart(JsonNode json) {
        return openParts.computeIfAbsent(partKey(json), k -> new OpenPart(json.path("item_id").asText(""),
                json.path("output_index").asInt(0), json.path("content_index").asInt(0)));
    }

    private static String partKey(JsonNode json) {
        return json.path("item_id").asText("") + "/" + json.path("output_index").asInt(0) + "/" + json.path("content_index").asInt(0);
    }

    @Override
    public ByteString cut(String notice, List<DialectEvent> blocked) {
        JsonNode response = lastResponse;
        if (response == null) {
            for (DialectEvent event : blocked) {
                if (event.json() != null && event.json().get("response") instanceof ObjectNode r) {
                    response = r;
                    break;
                }
            }
        }
        JsonNode usage = lastUsage;
        for (DialectEvent event : blocked) { // a withheld response.completed still tells what the upstream counted
            JsonNode u = event.json() == null ? null : event.json().path("response").get("usage");
            if (u != null && u.isObject()) usage = u;
        }
        String responseId = response == null ? "" : response.path("id").asText("");
        OpenPart target = target(blocked);
        ByteStringBuilder out = ByteString.createBuilder();
        long[] seq = {lastSequence};
        if (target == null) {
            target = new OpenPart("msg_" + (responseId.isEmpty() ? "modrelay" : responseId) + "_filtered", maxOutputIndex + 1, 0);
            ObjectNode added = event("response.output_item.added", seq);
            added.put("output_index", target.outputIndex);
            added.set("item", messageItem(target.itemId, "in_progress", null));
            write(out, added);
            ObjectNode partAdded = partEvent("response.content_part.added", target, seq);
            partAdded.set("part", textPart(""));
            write(out, partAdded);
        }
        String text = target.text + notice;

        ObjectNode delta = partEvent(ResponsesDialect.OUTPUT_TEXT_DELTA, target, seq);
        delta.put("delta", notice);
        delta.putArray("logprobs");
        write(out, delta);
        ObjectNode textDone = partEvent("response.output_text.done", target, seq);
        textDone.put("text", text);
        textDone.putArray("logprobs");
        write(out, textDone);
        ObjectNode partDone = partEvent("response.content_part.done", target, seq);
        partDone.set("part", textPart(text));
        write(out, partDone);
        ObjectNode item = messageItem(target.itemId, "incomplete", textPart(text));
        ObjectNode itemDone = event("response.output_item.done", seq);
        itemDone.put("output_index", target.outputIndex);
        itemDone.set("item", item);
        write(out, itemDone);

        ObjectNode incomplete = response instanceof ObjectNode r ? r.deepCopy() : minimalResponse();
        incomplete.put("status", "incomplete");
        incomplete.putObject("incomplete_details").put("reason", "content_filter");
        TreeMap<Integer, JsonNode> output = new TreeMap<>(doneItems);
        output.put(target.outputIndex, item);
        ArrayNode items = incomplete.putArray("output");
        output.values().forEach(items::add);
        incomplete.set("usage", usage != null ? usage.deepCopy() : estimatedUsage());
        ObjectNode end = event("response.incomplete", seq);
        end.set("response", incomplete);
        write(out, end);
        return out.result();
    }

    /** The open text part the withheld text was written to, else the last one the client saw opened. */
    private OpenPart target(List<DialectEvent> blocked) {
        for (DialectEvent event : blocked) {
            JsonNode json = event.json();
            if (json != null && json.path("type").asText("").equals(ResponsesDialect.OUTPUT_TEXT_DELTA)) {
                OpenPart part = openParts.get(partKey(json));
                if (part != null) return part;
            }
        }
        List<OpenPart> open = new ArrayList<>(openParts.values());
        return open.isEmpty() ? null : open.get(open.size() - 1);
    }

    /** Usage in the shape real responses carry it; what the relay can count, released characters / 4. */
    private ObjectNode estimatedUsage() {
        long output = (releasedChars + 3) / 4;
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("input_tokens", 0);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", output);
        return usage;
    }

    private static ObjectNode event(String type, long[] seq) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("type", type);
        e.put("sequence_number", ++seq[0]);
        return e;
    }

    private static ObjectNode partEvent(String type, OpenPart part, long[] seq) {
        ObjectNode e = event(type, seq);
        e.put("item_id", part.itemId);
        e.put("output_index", part.outputIndex);
        e.put("content_index", part.contentIndex);
        return e;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static ObjectNode messageItem(String id, String status, ObjectNode part) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (part != null) content.add(part);
        return item;
    }

    private static void write(ByteStringBuilder out, ObjectNode event) {
        out.append(SseWriter.event(event.path("type").asText(), Json.write(event)));
    }

    private static ObjectNode minimalResponse() {
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.put("id", "");
        response.put("object", "response");
        response.put("created_at", System.currentTimeMillis() / 1000);
        response.put("model", "");
        return response;
    }
}
