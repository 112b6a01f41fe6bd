package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import java.util.List;

/**
 * {@code POST /v1/responses}: the full response object, or the Responses API event stream
 * ({@code event:} + {@code data:} lines, numbered by {@code sequence_number}): created,
 * in_progress, output_item.added, content_part.added, one output_text.delta per token,
 * output_text.done, content_part.done, output_item.done, completed.
 */
final class FakeResponsesReplies {
    private static final String EMPTY_PART = "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}";

    private FakeResponsesReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream()
                ? stream(call, connection)
                : FakeUpstreamHttp.json(response(call, "completed", "[" + item(call, "completed", part(call)) + "]", usage(call)));
    }

    private static HttpResponse stream(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        String itemId = "msg_" + call.id();
        String inProgress = response(call, "in_progress", "[]", "null");
        List<ByteString> opening = List.of(
                FakeUpstreamHttp.event("response.created",
                        "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + inProgress + "}"),
                FakeUpstreamHttp.event("response.in_progress",
                        "{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":" + inProgress + "}"),
                FakeUpstreamHttp.event("response.output_item.added",
                        "{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":"
                                + "{\"id\":\"" + itemId + "\",\"type\":\"message\",\"status\":\"in_progress\","
                                + "\"content\":[],\"role\":\"assistant\"}}"),
                FakeUpstreamHttp.event("response.content_part.added",
                        "{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"" + itemId
                                + "\",\"output_index\":0,\"content_index\":0,\"part\":" + EMPTY_PART + "}"));
        int firstDelta = opening.size();
        List<String> tokens = call.reply().quotedTokens();
        String deltaHead = "{\"type\":\"response.output_text.delta\",\"sequence_number\":";
        String deltaTail = ",\"item_id\":\"" + itemId + "\",\"output_index\":0,\"content_index\":0,\"delta\":";
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                opening,
                tokens.size(),
                i -> FakeUpstreamHttp.event("response.output_text.delta",
                        deltaHead + (firstDelta + i) + deltaTail + tokens.get(i) + ",\"logprobs\":[]}"),
                () -> closing(call, itemId, firstDelta + tokens.size()),
                call.pace())));
    }

    private static List<ByteString> closing(FakeUpstreamCall call, String itemId, int sequence) {
        String where = ",\"item_id\":\"" + itemId + "\",\"output_index\":0,\"content_index\":0";
        String part = part(call);
        String item = item(call, "completed", part);
        return List.of(
                FakeUpstreamHttp.event("response.output_text.done",
                        "{\"type\":\"response.output_text.done\",\"sequence_number\":" + sequence + where
                                + ",\"text\":" + call.reply().quotedText() + ",\"logprobs\":[]}"),
                FakeUpstreamHttp.event("response.content_part.done",
                        "{\"type\":\"response.content_part.done\",\"sequence_number\":" + (sequence + 1) + where
                                + ",\"part\":" + part + "}"),
                FakeUpstreamHttp.event("response.output_item.done",
                        "{\"type\":\"response.output_item.done\",\"sequence_number\":" + (sequence + 2)
                                + ",\"output_index\":0,\"item\":" + item + "}"),
                FakeUpstreamHttp.event("response.completed",
                        "{\"type\":\"response.completed\",\"sequence_number\":" + (sequence + 3) + ",\"response\":"
                                + response(call, "completed", "[" + item + "]", usage(call)) + "}"));
    }

    private static String part(FakeUpstreamCall call) {
        return "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":" + call.reply().quotedText() + "}";
    }

    private static String item(FakeUpstreamCall call, String status, String part) {
        return "{\"id\":\"msg_" + call.id() + "\",\"type\":\"message\",\"status\":\"" + status
                + "\",\"content\":[" + part + "],\"role\":\"assistant\"}";
    }

    /** The response object with every field OpenAI always sends (clients treat several as required). */
    private static String response(FakeUpstreamCall call, String status, String output, String usage) {
        return "{\"id\":\"resp_" + call.id() + "\",\"object\":\"response\",\"created_at\":" + call.createdEpochSeconds()
                + ",\"status\":\"" + status + "\",\"background\":false,\"error\":null,\"incomplete_details\":null"
                + ",\"instructions\":null,\"max_output_tokens\":null,\"model\":" + call.quotedModel()
                + ",\"output\":" + output + ",\"parallel_tool_calls\":true,\"previous_response_id\":null"
                + ",\"reasoning\":{\"effort\":null,\"summary\":null},\"service_tier\":\"default\",\"store\":true"
                + ",\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[]"
                + ",\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":" + usage + ",\"user\":null,\"metadata\":{}}";
    }

    private static String usage(FakeUpstreamCall call) {
        int output = call.reply().tokenCount();
        return "{\"input_tokens\":" + call.promptTokens()
                + ",\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0}"
                + ",\"output_tokens\":" + output + ",\"output_tokens_details\":{\"reasoning_tokens\":0}"
                + ",\"total_tokens\":" + (call.promptTokens() + output) + "}";
    }
}
