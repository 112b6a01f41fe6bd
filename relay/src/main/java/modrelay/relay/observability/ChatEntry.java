package modrelay.relay.observability;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * One exchange of the chat log, as the writer thread turns it into one JSON line. Built on the
 * request's side from what was already at hand (the request bytes are parsed only here, off the
 * request path).
 *
 * @param client       the proxy key's name ("key-1") or sub-key id; never a key
 * @param path         without the query (queries can carry keys)
 * @param requestJson  the JSON body as sent upstream, or empty
 * @param reply        the text the client actually received
 * @param finishReason "" when none was seen
 * @param usageJson    the upstream's usage object as JSON, or ""
 * @param moderation   the moderation level ("off", "low", "high")
 * @param moderationOutcome off, passed, cut or unavailable
 * @param outcome      how the response ended for the client: ok or aborted
 * @param requestTruncated the request was too large for the chat log queue's byte budget and is left out
 */
public record ChatEntry(
        Instant time,
        String requestId,
        String client,
        String clientIp,
        String method,
        String path,
        String model,
        int status,
        boolean stream,
        long durationMicros,
        ByteString requestJson,
        String reply,
        boolean replyTruncated,
        String finishReason,
        String usageJson,
        boolean cut,
        String moderation,
        String moderationOutcome,
        ModerationTally.Snapshot verdicts,
        String outcome,
        boolean requestTruncated) {

    public ChatEntry(Instant time, String requestId, String client, String clientIp, String method, String path, String model,
            int status, boolean stream, long durationMicros, ByteString requestJson, String reply, boolean replyTruncated,
            String finishReason, String usageJson, boolean cut, String moderation, String moderationOutcome,
            ModerationTally.Snapshot verdicts, String outcome) {
        this(time, requestId, client, clientIp, method, path, model, status, stream, durationMicros, requestJson, reply,
                replyTruncated, finishReason, usageJson, cut, moderation, moderationOutcome, verdicts, outcome, false);
    }

    /** The same entry holding at most these texts (what the byte budget of the queue allows). */
    ChatEntry withTexts(ByteString request, boolean requestCut, String replyText, boolean replyCut) {
        return new ChatEntry(time, requestId, client, clientIp, method, path, model, status, stream, durationMicros, request,
                replyText, replyTruncated || replyCut, finishReason, usageJson, cut, moderation, moderationOutcome, verdicts,
                outcome, requestTruncated || requestCut);
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUEST_FIELDS = List.of("messages", "prompt", "input", "instructions");

    /** The entry as one line of JSON, newline included. */
    public byte[] toJsonLine() throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", time.toString());
        o.put("request_id", requestId);
        o.put("client", client);
        o.put("client_ip", clientIp);
        o.put("method", method);
        o.put("path", path);
        o.put("model", model);
        o.put("status", status);
        o.put("stream", stream);
        o.put("duration_ms", durationMicros / 1000.0);
        o.set("request", request());
        if (requestTruncated) o.put("request_truncated", true);
        o.put("reply", reply);
        if (replyTruncated) o.put("reply_truncated", true);
        o.put("finish_reason", finishReason);
        JsonNode usage = usageJson.isEmpty() ? null : parse(usageJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (usage != null) o.set("usage", usage);
        else o.putNull("usage");
        o.put("cut", cut);
        ObjectNode m = o.putObject("moderation");
        m.put("level", moderation);
        m.put("outcome", moderationOutcome);
        m.put("frames", verdicts.frames());
        m.put("passed", verdicts.passed());
        m.put("review", verdicts.review());
        m.put("block", verdicts.block());
        m.put("unavailable", verdicts.unavailable());
        ArrayNode notes = m.putArray("verdicts");
        for (ModerationTally.Note n : verdicts.notes()) {
            ObjectNode v = notes.addObject();
            v.put("suggestion", n.suggestion());
            if (!n.label().isEmpty()) v.put("label", n.label());
            if (!n.subLabel().isEmpty()) v.put("sub_label", n.subLabel());
            if (!n.suggestion().equals("unavailable")) v.put("score", n.score());
            v.put("source", n.source());
            if (!n.reason().isEmpty()) v.put("reason", n.reason());
            v.put("outcome", n.outcome());
        }
        o.put("outcome", outcome);
        byte[] body = JSON.writeValueAsBytes(o);
        byte[] line = java.util.Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\n';
        return line;
    }

    /** The request's conversation as sent upstream: messages (chat), prompt (completions), input/instructions (responses). */
    private ObjectNode request() {
        ObjectNode out = JSON.createObjectNode();
        if (requestJson.isEmpty()) return out;
        JsonNode body = parse(requestJson.toArray());
        if (body == null || !body.isObject()) return out;
        for (String field : REQUEST_FIELDS) {
            JsonNode v = body.get(field);
            if (v != null) out.set(field, v);
        }
        return out;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }
}
