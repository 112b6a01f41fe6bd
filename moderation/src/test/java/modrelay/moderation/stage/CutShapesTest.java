package modrelay.moderation.stage;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.testkit.javadsl.TestKit;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import modrelay.moderation.text.ChatDialect;
import modrelay.moderation.text.Dialect;
import modrelay.moderation.text.Json;
import modrelay.moderation.text.ResponsesDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static modrelay.moderation.stage.ModerationFlowChatTest.BLOCKED;
import static modrelay.moderation.stage.ModerationFlowChatTest.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic events of a cut carry what real ones carry, so clients that validate chunks accept them. */
class CutShapesTest {

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("CutShapesTest");
    }

    @AfterAll
    static void stop() {
        TestKit.shutdownActorSystem(system);
    }

    static List<Sse.Event> run(Dialect dialect, ByteString upstream) throws Exception {
        List<ByteString> out = Source.single(upstream)
                .via(ModerationFlow.create(dialect, ScriptedModerator.blocking("bad"), options(), new RecordingListener()))
                .runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Sse.events(Sse.concat(out));
    }

    static String chunk(String object, String deltaJson, boolean usageField) {
        return "{\"id\":\"chatcmpl-7\",\"object\":\"" + object + "\",\"created\":1700000123,\"model\":\"qwen-test\","
                + "\"system_fingerprint\":\"fp_9\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":null}]"
                + (usageField ? ",\"usage\":null" : "") + "}";
    }

    @Test
    void chatCutChunksReuseTheUpstreamsIdsAndAddUsageWhenTheStreamCarriesIt() throws Exception {
        // a compatible server with its own object name, and stream_options.include_usage (usage: null in each chunk)
        List<Sse.Event> events = run(ChatDialect.INSTANCE, Sse.data(
                chunk("chat.completion.chunk.v2", "{\"role\":\"assistant\",\"content\":\"\"}", true),
                chunk("chat.completion.chunk.v2", "{\"content\":\"Twelve chars. \"}", true),
                chunk("chat.completion.chunk.v2", "{\"content\":\"Now bad.\"}", true), Sse.DONE));
        int k = events.size();
        assertEquals("[DONE]", events.get(k - 1).data());
        for (Sse.Event e : events.subList(k - 4, k - 1)) {
            JsonNode json = e.json();
            assertEquals("chatcmpl-7", json.path("id").asText());
            assertEquals("chat.completion.chunk.v2", json.path("object").asText());
            assertEquals(1700000123, json.path("created").asLong());
            assertEquals("qwen-test", json.path("model").asText());
            assertEquals("fp_9", json.path("system_fingerprint").asText());
        }
        assertEquals(BLOCKED, events.get(k - 4).json().path("choices").path(0).path("delta").path("content").asText());
        assertEquals("content_filter", events.get(k - 3).json().path("choices").path(0).path("finish_reason").asText());
        JsonNode usage = events.get(k - 2).json();
        assertTrue(usage.path("choices").isArray() && usage.path("choices").isEmpty());
        assertEquals(4, usage.path("usage").path("completion_tokens").asInt(), "14 released characters / 4, rounded up");
        assertEquals(4, usage.path("usage").path("total_tokens").asInt());
        assertEquals(0, usage.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void withoutUsageInTheStreamTheCutAddsNone() throws Exception {
        List<Sse.Event> events = run(ChatDialect.INSTANCE, Sse.data(
                chunk("chat.completion.chunk", "{\"content\":\"Fine. \"}", false),
                chunk("chat.completion.chunk", "{\"content\":\"bad.\"}", false), Sse.DONE));
        assertEquals(4, events.size(), "passed text, notice, finish, [DONE]");
        assertFalse(events.stream().anyMatch(e -> e.json() != null && e.json().has("usage")));
    }

    static ResponsesSse typed(ResponsesSse sse, String type, String json) {
        return sse.event(type, (ObjectNode) Json.parseOrNull(json));
    }

    @Test
    void aResponsesCutWithNoTextPartOpenAnnouncesItsOwnMessageItem() throws Exception {
        ResponsesSse sse = new ResponsesSse();
        ObjectNode created = Json.MAPPER.createObjectNode();
        created.set("response", ResponsesSse.response("in_progress"));
        sse.event("response.created", created);
        typed(sse, "response.output_item.added", "{\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\","
                + "\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"\"}}");
        typed(sse, "response.function_call_arguments.delta", "{\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"{\\\"q\\\":\\\"bad\\\"}\"}");
        // no arguments.done: the completed event queues behind the pending arguments, in the same frame
        ObjectNode completed = Json.MAPPER.createObjectNode();
        ObjectNode response = ResponsesSse.response("completed");
        response.putObject("usage").put("input_tokens", 31).put("output_tokens", 9).put("total_tokens", 40);
        completed.set("response", response);
        sse.event("response.completed", completed);

        List<Sse.Event> events = run(ResponsesDialect.INSTANCE, sse.bytes());
        assertEquals(List.of("response.created", "response.output_item.added", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.incomplete"),
                events.stream().map(Sse.Event::event).toList());
        assertFalse(events.stream().anyMatch(e -> e.data().contains("bad")));
        JsonNode added = events.get(2).json();
        assertEquals(1, added.path("output_index").asInt(), "after the items the client saw");
        assertEquals("message", added.path("item").path("type").asText());
        String itemId = added.path("item").path("id").asText();
        for (Sse.Event e : events.subList(3, 7)) assertEquals(itemId, e.json().path("item_id").asText());
        for (int i = 0; i < events.size(); i++) assertEquals(i, events.get(i).json().path("sequence_number").asInt());
        JsonNode end = events.get(8).json().path("response");
        assertEquals("content_filter", end.path("incomplete_details").path("reason").asText());
        assertEquals(31, end.path("usage").path("input_tokens").asInt(), "the upstream's own count, from the withheld completed event");
        assertEquals(40, end.path("usage").path("total_tokens").asInt());
        assertEquals(itemId, end.path("output").path(0).path("id").asText());
        assertEquals(BLOCKED, end.path("output").path(0).path("content").path(0).path("text").asText());
    }
}
