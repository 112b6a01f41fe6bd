package modrelay.moderation.text;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.sse.SseWriter;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ends a cut chat or legacy-completions stream: a chunk with the notice, a chunk with
 * {@code finish_reason: "content_filter"} for every choice still open, then {@code data: [DONE]}.
 * The chunks reuse the id, object, created, model (and system fingerprint) of the last chunk the client
 * saw, so clients accept them as the same answer. When the stream carries usage ({@code stream_options.
 * include_usage}: every chunk has a {@code usage} field), a usage chunk follows: the upstream's count when
 * it sent one, else completion tokens estimated as released characters / 4.
 */
final class ChoicesCutWriter implements CutWriter {

    private static final ByteString DONE = SseWriter.data("[DONE]");

    private final String object;
    private final boolean chat;
    private JsonNode lastChunk;
    private final Set<Integer> seen = new TreeSet<>();
    private final Set<Integer> finished = new HashSet<>();
    private boolean streamHasUsage;
    private JsonNode lastUsage;
    private long releasedChars;

    ChoicesCutWriter(String object, boolean chat) {
        this.object = object;
        this.chat = chat;
    }

    @Override
    public void released(DialectEvent event) {
        JsonNode json = event.json();
        for (TextPiece piece : event.texts()) releasedChars += piece.text().length();
        if (json == null || !json.isObject()) return;
        if (json.has("id")) lastChunk = json;
        if (json.has("usage")) streamHasUsage = true;
        if (json.get("usage") instanceof ObjectNode usage) lastUsage = usage;
        for (JsonNode choice : json.path("choices")) {
            int index = choice.path("index").asInt(0);
            seen.add(index);
            if (choice.path("finish_reason").isTextual()) finished.add(index);
        }
    }

    @Override
    public ByteString cut(String notice, List<DialectEvent> blocked) {
        JsonNode ids = lastChunk;
        Set<Integer> open = new TreeSet<>(seen);
        for (DialectEvent event : blocked) {
            JsonNode json = event.json();
            if (json == null || !json.isObject()) continue;
            if (ids == null && json.has("id")) ids = json;
            for (JsonNode choice : json.path("choices")) open.add(choice.path("index").asInt(0));
        }
        open.removeAll(finished);
        if (open.isEmpty()) open.add(0);

        ObjectNode noticeChunk = chunk(ids);
        ObjectNode finishChunk = chunk(ids);
        ArrayNode noticeChoices = noticeChunk.putArray("choices");
        ArrayNode finishChoices = finishChunk.putArray("choices");
        for (int index : open) {
            ObjectNode n = noticeChoices.addObject().put("index", index);
            ObjectNode f = finishChoices.addObject().put("index", index);
            if (chat) {
                n.putObject("delta").put("content", notice);
                f.putObject("delta");
            } else {
                n.put("text", notice);
                f.put("text", "");
            }
            n.putNull("finish_reason");
            f.put("finish_reason", "content_filter");
        }
        ByteString tail = SseWriter.data(Json.write(noticeChunk)).concat(SseWriter.data(Json.write(finishChunk)));
        JsonNode usage = lastUsage;
        for (DialectEvent event : blocked) {
            if (event.json() != null && event.json().has("usage")) streamHasUsage = true;
            if (event.json() != null && event.json().get("usage") instanceof ObjectNode u) usage = u;
        }
        if (streamHasUsage) {
            ObjectNode usageChunk = chunk(ids);
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage != null ? usage.deepCopy() : estimatedUsage());
            tail = tail.concat(SseWriter.data(Json.write(usageChunk)));
        }
        return tail.concat(DONE);
    }

    private ObjectNode estimatedUsage() {
        long completion = (releasedChars + 3) / 4;
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", 0);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", completion);
        return usage;
    }

    private ObjectNode chunk(JsonNode ids) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        if (ids != null && ids.hasNonNull("id")) chunk.set("id", ids.get("id"));
        else chunk.put("id", "modrelay-cut");
        if (ids != null && ids.path("object").isTextual()) chunk.set("object", ids.get("object"));
        else chunk.put("object", object);
        if (ids != null && ids.hasNonNull("created")) chunk.set("created", ids.get("created"));
        else chunk.put("created", System.currentTimeMillis() / 1000);
        if (ids != null && ids.hasNonNull("model")) chunk.set("model", ids.get("model"));
        else chunk.put("model", "");
        if (ids != null && ids.path("system_fingerprint").isTextual()) chunk.set("system_fingerprint", ids.get("system_fingerprint"));
        return chunk;
    }
}
