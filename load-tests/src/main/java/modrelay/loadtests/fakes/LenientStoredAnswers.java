package modrelay.loadtests.fakes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Model text the lenient fake serves outside the generation endpoints: Assistants thread messages, run
 * streams and run steps, batch output files, Conversations items, container files, the messages of a stored
 * chat completion and the list of stored completions.
 */
final class LenientStoredAnswers {
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;

    LenientStoredAnswers(String id) {
        this.id = id;
    }

    ObjectNode threadMessage(String text) {
        ObjectNode m = o().put("id", "msg_" + id).put("object", "thread.message").put("created_at", created)
                .put("thread_id", "thread_" + id).put("role", "assistant").put("status", "completed");
        m.putArray("content").addObject().put("type", "text").set("text", o().put("value", text)
                .set("annotations", FakeUpstreamJson.MAPPER.createArrayNode()));
        return m;
    }

    ObjectNode list(ObjectNode... items) {
        ObjectNode l = o().put("object", "list");
        ArrayNode data = l.putArray("data");
        for (ObjectNode item : items) data.add(item);
        l.put("has_more", false);
        return l;
    }

    /** An Assistants run stream: the message text arrives in {@code thread.message.delta} events. */
    List<LenientStep> runStream(List<LeakShape.Piece> pieces) {
        List<LenientStep> out = new ArrayList<>();
        ObjectNode run = o().put("id", "run_" + id).put("object", "thread.run").put("thread_id", "thread_" + id)
                .put("status", "in_progress");
        out.add(LenientStep.event("thread.run.created", run));
        ObjectNode started = threadMessage("");
        ((ArrayNode) started.get("content")).removeAll();
        out.add(LenientStep.event("thread.message.created", started));
        for (LeakShape.Piece p : pieces) {
            ObjectNode delta = o().put("id", "msg_" + id).put("object", "thread.message.delta");
            delta.putObject("delta").putArray("content").addObject().put("index", 0).put("type", "text")
                    .putObject("text").put("value", p.text());
            out.add(LenientStep.event("thread.message.delta", delta).after(p.pauseBefore()));
        }
        out.add(LenientStep.event("thread.message.completed", threadMessage(LenientChatAnswers.join(pieces))));
        out.add(LenientStep.event("thread.run.completed", run.deepCopy().put("status", "completed")));
        out.add(LenientStep.raw("event: done\ndata: [DONE]\n\n"));
        return out;
    }

    ObjectNode runSteps(String text) {
        ObjectNode step = o().put("id", "step_" + id).put("object", "thread.run.step").put("type", "tool_calls");
        ObjectNode call = step.putObject("step_details").put("type", "tool_calls").putArray("tool_calls").addObject()
                .put("id", "call_" + id).put("type", "function");
        call.putObject("function").put("name", "lookup")
                .put("arguments", o().put("query", text).toString()).put("output", text);
        return list(step);
    }

    /** A batch's output file: one JSON line per request, each holding a whole chat completion. */
    String batchOutput(ObjectNode completion) {
        ObjectNode line = o().put("id", "batch_req_" + id).put("custom_id", "request-1");
        line.putObject("response").put("status_code", 200).put("request_id", "req_" + id).set("body", completion);
        line.putNull("error");
        return line + "\n";
    }

    ObjectNode conversationItem(String text) {
        ObjectNode m = o().put("id", "msg_" + id).put("type", "message").put("status", "completed").put("role", "assistant");
        m.putArray("content").addObject().put("type", "output_text").put("text", text)
                .set("annotations", FakeUpstreamJson.MAPPER.createArrayNode());
        return m;
    }

    ObjectNode storedMessage(String text) {
        return o().put("id", "chatcmpl-" + id + "-0").put("role", "assistant").put("content", text);
    }

    private static ObjectNode o() {
        return FakeUpstreamJson.MAPPER.createObjectNode();
    }
}
