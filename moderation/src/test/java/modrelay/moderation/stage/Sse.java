package modrelay.moderation.stage;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.text.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds upstream SSE in the shapes OpenAI sends, and reads back what the client got. */
final class Sse {

    private Sse() {}

    static final String DONE = "[DONE]";

    static String chatChunk(String content) {
        return chatChunk(0, content, null);
    }

    static String chatChunk(int index, String content, String finishReason) {
        ObjectNode chunk = chatBase();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (content != null) delta.put("content", content);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return Json.write(chunk);
    }

    static String chatRole() {
        ObjectNode chunk = chatBase();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta").put("role", "assistant").put("content", "").putArray("refusal");
        choice.putNull("finish_reason");
        return Json.write(chunk);
    }

    static String chatToolCall(String argumentsPart) {
        ObjectNode chunk = chatBase();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ArrayNode calls = choice.putObject("delta").putArray("tool_calls");
        calls.addObject().put("index", 0).put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "lookup").put("arguments", argumentsPart);
        choice.putNull("finish_reason");
        return Json.write(chunk);
    }

    static String chatFinish(String reason) {
        ObjectNode chunk = chatBase();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", reason);
        return Json.write(chunk);
    }

    static String chatUsage() {
        ObjectNode chunk = chatBase();
        chunk.putArray("choices");
        chunk.putObject("usage").put("prompt_tokens", 9).put("completion_tokens", 12).put("total_tokens", 21);
        return Json.write(chunk);
    }

    private static ObjectNode chatBase() {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", "chatcmpl-42").put("object", "chat.completion.chunk").put("created", 1_700_000_000)
                .put("model", "gpt-test").put("system_fingerprint", "fp_1");
        return chunk;
    }

    static String completionChunk(String text, String finishReason) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", "cmpl-7").put("object", "text_completion").put("created", 1_700_000_001).put("model", "davinci-test");
        ObjectNode choice = chunk.putArray("choices").addObject().put("text", text).put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return Json.write(chunk);
    }

    /** {@code data: <d>\n\n} for each payload. */
    static ByteString data(String... payloads) {
        ByteString out = ByteString.emptyByteString();
        for (String p : payloads) out = out.concat(ByteString.fromString("data: " + p + "\n\n"));
        return out;
    }

    static ByteString concat(List<ByteString> parts) {
        ByteString out = ByteString.emptyByteString();
        for (ByteString p : parts) out = out.concat(p);
        return out;
    }

    /** The bytes cut into random pieces (including cuts inside multi-byte characters). */
    static List<ByteString> randomChunks(ByteString bytes, Random random, int maxChunk) {
        List<ByteString> chunks = new ArrayList<>();
        int i = 0;
        while (i < bytes.length()) {
            int n = 1 + random.nextInt(maxChunk);
            chunks.add(bytes.slice(i, Math.min(bytes.length(), i + n)));
            i += n;
        }
        return chunks;
    }

    /** The events the client got, as (event, data) pairs; blank-line separated, LF only (what the flow writes). */
    record Event(String event, String data) {
        JsonNode json() {
            return Json.parseOrNull(data);
        }
    }

    static List<Event> events(ByteString clientBytes) {
        String text = clientBytes.decodeString(StandardCharsets.UTF_8);
        List<Event> events = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isEmpty()) continue;
            String event = "";
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ")) {
                    if (data == null) data = new StringBuilder();
                    else data.append('\n');
                    data.append(line.substring(6));
                }
            }
            events.add(new Event(event, data == null ? null : data.toString()));
        }
        return events;
    }

    /** Concatenated chat delta contents (or legacy texts) of the client's events, in order. */
    static String choiceText(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            JsonNode json = e.json();
            if (json == null) continue;
            for (JsonNode choice : json.path("choices")) {
                if (choice.path("delta").path("content").isTextual()) sb.append(choice.path("delta").path("content").textValue());
                if (choice.path("text").isTextual()) sb.append(choice.path("text").textValue());
            }
        }
        return sb.toString();
    }
}
