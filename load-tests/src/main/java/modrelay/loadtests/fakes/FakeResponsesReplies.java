package modrelay.loadtests.fakes;

import static modrelay.loadtests.fakes.FakeUpstreamHttp.utf8;

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
    private static final ByteString DELTA_CLOSE = utf8(",\"logprobs\":[]}\n\n");

    private FakeResponsesReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream()
                ? stream(call, connection)
                : FakeUpstreamHttp.json(response(call, "completed", outputOf(item(call)), usage(call)));
    }

    private static HttpResponse stream(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        String itemId = "msg_" + call.id();
        ByteString inProgress = response(call, "in_progress", utf8("[]"), "null");
        List<ByteString> opening = List.of(
                FakeUpstreamHttp.event("response.created",
                        utf8("{\"type\":\"response.created\",\"sequence_number\":0,\"response\":")
                                .concat(inProgress).concat(utf8("}"))),
                FakeUpstreamHttp.event("response.in_progress",
                        utf8("{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":")
                                .concat(inProgress).concat(utf8("}"))),
                FakeUpstreamHttp.event("response.output_item.added",
                        utf8("{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":"
                                + "{\"id\":\"" + itemId + "\",\"type\":\"message\",\"status\":\"in_progress\","
                                + "\"content\":[],\"role\":\"assistant\"}}")),
                FakeUpstreamHttp.event("response.content_part.added",
                        utf8("{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"" + itemId
                                + "\",\"output_index\":0,\"content_index\":0,\"part\":" + EMPTY_PART + "}")));
        int firstDelta = opening.size();
        List<ByteString> tokens = call.reply().quotedTokens();
        String deltaHead = "event: response.output_text.delta\ndata: "
                + "{\"type\":\"response.output_text.delta\",\"sequence_number\":";
        String deltaTail = ",\"item_id\":\"" + itemId + "\",\"output_index\":0,\"content_index\":0,\"delta\":";
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                opening,
                tokens.size(),
                i -> utf8(deltaHead + (firstDelta + i) + deltaTail).concat(tokens.get(i)).concat(DELTA_CLOSE),
                () -> closing(call, itemId, firstDelta + tokens.size()),
                call.pace())));
    }

    private static List<ByteString> closing(FakeUpstreamCall call, String itemId, int sequence) {
        String where = ",\"item_id\":\"" + itemId + "\",\"output_index\":0,\"content_index\":0";
        ByteString part = part(call);
        ByteString item = item(call);
        return List.of(
                FakeUpstreamHttp.event("response.output_text.done",
                        utf8("{\"type\":\"response.output_text.done\",\"sequence_number\":" + sequence + where + ",\"text\":")
                                .concat(call.reply().quotedText()).concat(utf8(",\"logprobs\":[]}"))),
                FakeUpstreamHttp.event("response.content_part.done",
                        utf8("{\"type\":\"response.content_part.done\",\"sequence_number\":" + (sequence + 1) + where
                                + ",\"part\":").concat(part).concat(utf8("}"))),
                FakeUpstreamHttp.event("response.output_item.done",
                        utf8("{\"type\":\"response.output_item.done\",\"sequence_number\":" + (sequence + 2)
                                + ",\"output_index\":0,\"item\":").concat(item).concat(utf8("}"))),
                FakeUpstreamHttp.event("response.completed",
                        utf8("{\"type\":\"response.completed\",\"sequence_number\":" + (sequence + 3) + ",\"response\":")
                                .concat(response(call, "completed", outputOf(item), usage(call))).concat(utf8("}"))));
    }

    private static ByteString part(FakeUpstreamCall call) {
        return utf8("{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":")
                .concat(call.reply().quotedText()).concat(utf8("}"));
    }

    /** The finished assistant message. */
    private static ByteString item(FakeUpstreamCall call) {
        return utf8("{\"id\":\"msg_" + call.id() + "\",\"type\":\"message\",\"status\":\"completed\",\"content\":[")
                .concat(part(call)).concat(utf8("],\"role\":\"assistant\"}"));
    }

    private static ByteString outputOf(ByteString item) {
        return utf8("[").concat(item).concat(utf8("]"));
    }

    /** The response object with every field OpenAI always sends (clients treat several as required). */
    private static ByteString response(FakeUpstreamCall call, String status, ByteString output, String usage) {
        return utf8("{\"id\":\"resp_" + call.id() + "\",\"object\":\"response\",\"created_at\":" + call.createdEpochSeconds()
                        + ",\"status\":\"" + status + "\",\"background\":false,\"error\":null,\"incomplete_details\":null"
                        + ",\"instructions\":null,\"max_output_tokens\":null,\"model\":" + call.quotedModel()
                        + ",\"output\":")
                .concat(output)
                .concat(utf8(",\"parallel_tool_calls\":true,\"previous_response_id\":null"
                        + ",\"reasoning\":{\"effort\":null,\"summary\":null},\"service_tier\":\"default\",\"store\":true"
                        + ",\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[]"
                        + ",\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":" + usage + ",\"user\":null,\"metadata\":{}}"));
    }

    private static String usage(FakeUpstreamCall call) {
        int output = call.reply().tokenCount();
        return "{\"input_tokens\":" + call.promptTokens()
                + ",\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0}"
                + ",\"output_tokens\":" + output + ",\"output_tokens_details\":{\"reasoning_tokens\":0}"
                + ",\"total_tokens\":" + (call.promptTokens() + output) + "}";
    }
}
