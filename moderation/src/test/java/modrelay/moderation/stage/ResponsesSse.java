package modrelay.moderation.stage;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.text.Json;

import java.util.List;

/** A Responses API stream as OpenAI sends it: typed events with increasing sequence numbers. */
final class ResponsesSse {

    private int sequence;
    private ByteString bytes = ByteString.emptyByteString();

    static ObjectNode response(String status) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", "resp_1").put("object", "response").put("created_at", 1_700_000_002).put("status", status)
                .put("model", "gpt-test").putNull("incomplete_details").putNull("error");
        r.putArray("output");
        r.put("parallel_tool_calls", true).putArray("tools");
        return r;
    }

    ResponsesSse event(String type, ObjectNode body) {
        body.put("type", type);
        body.put("sequence_number", sequence++);
        bytes = bytes.concat(ByteString.fromString("event: " + type + "\ndata: " + Json.write(body) + "\n\n"));
        return this;
    }

    ResponsesSse start() {
        ObjectNode created = Json.MAPPER.createObjectNode();
        created.set("response", response("in_progress"));
        event("response.created", created);
        ObjectNode inProgress = Json.MAPPER.createObjectNode();
        inProgress.set("response", response("in_progress"));
        event("response.in_progress", inProgress);
        ObjectNode added = Json.MAPPER.createObjectNode().put("output_index", 0);
        added.putObject("item").put("id", "msg_1").put("type", "message").put("status", "in_progress").put("role", "assistant").putArray("content");
        event("response.output_item.added", added);
        ObjectNode part = Json.MAPPER.createObjectNode().put("item_id", "msg_1").put("output_index", 0).put("content_index", 0);
        part.putObject("part").put("type", "output_text").put("text", "").putArray("annotations");
        return event("response.content_part.added", part);
    }

    ResponsesSse deltas(List<String> deltas) {
        for (String d : deltas) {
            ObjectNode delta = Json.MAPPER.createObjectNode().put("item_id", "msg_1").put("output_index", 0)
                    .put("content_index", 0).put("delta", d);
            delta.putArray("logprobs");
            event("response.output_text.delta", delta);
        }
        return this;
    }

    ResponsesSse finish(String text) {
        event("response.output_text.done", Json.MAPPER.createObjectNode().put("item_id", "msg_1").put("output_index", 0)
                .put("content_index", 0).put("text", text));
        ObjectNode partDone = Json.MAPPER.createObjectNode().put("item_id", "msg_1").put("output_index", 0).put("content_index", 0);
        partDone.putObject("part").put("type", "output_text").put("text", text);
        event("response.content_part.done", partDone);
        ObjectNode itemDone = Json.MAPPER.createObjectNode().put("output_index", 0);
        itemDone.putObject("item").put("id", "msg_1").put("type", "message");
        event("response.output_item.done", itemDone);
        ObjectNode completed = Json.MAPPER.createObjectNode();
        ObjectNode response = response("completed");
        response.putObject("usage").put("input_tokens", 3).put("output_tokens", 7).put("total_tokens", 10);
        completed.set("response", response);
        return event("response.completed", completed);
    }

    ByteString bytes() {
        return bytes;
    }
}
