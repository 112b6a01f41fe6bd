package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FakeUpstreamEndpointsTest extends FakeUpstreamHttpTest {

    @Test
    void legacyCompletionsStreamTextChunksThenStopThenDone() {
        HttpResponse<String> response = send(postJson("/v1/completions",
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"stream\":true,\"prompt\":\"say:Once upon a time。\"}"));
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        List<Sse> events = sse(response.body());
        assertTrue(events.get(events.size() - 1).isDone());
        StringBuilder text = new StringBuilder();
        for (Sse event : events.subList(0, events.size() - 2)) {
            JsonNode chunk = event.json();
            assertEquals("text_completion", chunk.path("object").asText());
            assertTrue(chunk.path("choices").get(0).path("finish_reason").isNull());
            text.append(chunk.path("choices").get(0).path("text").asText());
        }
        assertEquals("Once upon a time。", text.toString());
        assertEquals(FakeTokens.split("Once upon a time。").size(), events.size() - 2);
        assertEquals("stop", events.get(events.size() - 2).json().path("choices").get(0).path("finish_reason").asText());
    }

    @Test
    void legacyCompletionWithoutStreamIsOneTextCompletion() {
        JsonNode completion = json(send(postJson("/v1/completions",
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"ignored\",\"say:plain\"]}")).body());
        assertEquals("text_completion", completion.path("object").asText());
        assertEquals("plain", completion.path("choices").get(0).path("text").asText());
        assertEquals("stop", completion.path("choices").get(0).path("finish_reason").asText());
        assertEquals(1, completion.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void responsesStreamSendsTheEventsInOpenAiOrderWithConsecutiveSequenceNumbers() {
        HttpResponse<String> response = send(postJson("/v1/responses",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"input_text\",\"text\":\"say:Hi there, 世界.\"}]}]}"));
        List<Sse> events = sse(response.body());
        List<String> types = new ArrayList<>();
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).json();
            assertEquals(events.get(i).event(), data.path("type").asText(), "event: line names the data type");
            assertEquals(i, data.path("sequence_number").asInt());
            types.add(data.path("type").asText());
            if (data.path("type").asText().equals("response.output_text.delta")) {
                deltas.append(data.path("delta").asText());
                assertEquals(0, data.path("output_index").asInt());
                assertEquals(0, data.path("content_index").asInt());
                assertTrue(data.path("item_id").asText().startsWith("msg_"));
                assertTrue(data.path("logprobs").isArray());
            }
        }
        int tokens = FakeTokens.split("Hi there, 世界.").size();
        List<String> expected = new ArrayList<>(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added"));
        for (int i = 0; i < tokens; i++) expected.add("response.output_text.delta");
        expected.addAll(List.of("response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed"));
        assertEquals(expected, types);
        assertEquals("Hi there, 世界.", deltas.toString());

        JsonNode completed = events.get(events.size() - 1).json().path("response");
        assertResponseObject(completed, "Hi there, 世界.");
        assertEquals("in_progress", events.get(0).json().path("response").path("status").asText());
    }

    @Test
    void responsesWithoutStreamIsTheFullResponseObject() {
        JsonNode response = json(send(postJson("/v1/responses",
                "{\"model\":\"gpt-4o-mini\",\"input\":\"say:短い\"}")).body());
        assertResponseObject(response, "短い");
    }

    private static void assertResponseObject(JsonNode response, String text) {
        assertEquals("response", response.path("object").asText());
        assertEquals("completed", response.path("status").asText());
        assertTrue(response.path("id").asText().startsWith("resp_"));
        assertTrue(response.path("created_at").asLong() > 1_600_000_000L);
        for (String nullField : List.of("error", "incomplete_details", "instructions")) {
            assertTrue(response.has(nullField) && response.path(nullField).isNull(), nullField);
        }
        assertTrue(response.path("metadata").isObject() && response.path("tools").isArray());
        assertTrue(response.has("parallel_tool_calls") && response.has("temperature")
                && response.has("tool_choice") && response.has("top_p"));
        JsonNode message = response.path("output").get(0);
        assertEquals("message", message.path("type").asText());
        assertEquals("assistant", message.path("role").asText());
        assertEquals(text, message.path("content").get(0).path("text").asText());
        assertEquals(FakeTokens.split(text).size(), response.path("usage").path("output_tokens").asInt());
    }

    @Test
    void modelsAreListedAndFetchedById() {
        JsonNode list = json(send(request("/v1/models").GET().build()).body());
        assertEquals("list", list.path("object").asText());
        assertTrue(list.path("data").size() >= 3);
        JsonNode model = json(send(request("/v1/models/gpt-4o-mini").GET().build()).body());
        assertEquals("gpt-4o-mini", model.path("id").asText());
        assertEquals("model", model.path("object").asText());
        assertOpenAiError(send(request("/v1/models/no-such-model").GET().build()),
                404, "invalid_request_error", "model_not_found");
    }

    @Test
    void embeddingsAreSmallAndDeterministic() {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"a\"]}";
        JsonNode embeddings = json(send(postJson("/v1/embeddings", body)).body());
        assertEquals("list", embeddings.path("object").asText());
        JsonNode data = embeddings.path("data");
        assertEquals(3, data.size());
        assertEquals(FakeEmbeddingReplies.DIMENSIONS, data.get(0).path("embedding").size());
        assertEquals(data.get(0).path("embedding"), data.get(2).path("embedding"));
        assertNotEquals(data.get(0).path("embedding"), data.get(1).path("embedding"));
        assertEquals(2, data.get(2).path("index").asInt());
        assertEquals(embeddings, json(send(postJson("/v1/embeddings", body)).body()), "same input, same answer");
    }

    @Test
    void speechIsTheDeterministicAudioOfItsInput() throws Exception {
        HttpResponse<byte[]> response = http.send(postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"voice\":\"alloy\",\"input\":\"Hello 你好\"}"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("audio/mpeg", response.headers().firstValue("content-type").orElse(""));
        assertArrayEquals(FakeUpstream.speechBytes("Hello 你好"), response.body());
        assertEquals(200 * 1024, response.body().length);
        assertTrue(!java.util.Arrays.equals(FakeUpstream.speechBytes("Hello"), FakeUpstream.speechBytes("Hello 你好")));
    }

    @Test
    void multipartUploadIsRecordedByteForByteAndAnsweredWithAFileObject() throws Exception {
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        String boundary = "----fake-boundary-7MA4YWxkTrZu0gW";
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                + "assistants\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"data.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        multipart.writeBytes(file);
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] body = multipart.toByteArray();

        HttpResponse<String> response = send(request("/v1/files")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode fileObject = json(response.body());
        assertEquals("file", fileObject.path("object").asText());
        assertTrue(fileObject.path("id").asText().startsWith("file-"));
        assertEquals(file.length, fileObject.path("bytes").asInt());
        assertEquals("data.bin", fileObject.path("filename").asText());
        assertEquals("assistants", fileObject.path("purpose").asText());
        assertEquals("processed", fileObject.path("status").asText());
        assertTrue(fileObject.path("created_at").asLong() > 1_600_000_000L);

        FakeUpstream.RecordedRequest recorded = upstream.requests().get(0);
        assertEquals("POST", recorded.method());
        assertEquals("/v1/files", recorded.path());
        assertArrayEquals(body, recorded.body());
        assertEquals("multipart/form-data; boundary=" + boundary, recorded.header("Content-Type"));
    }

    @Test
    void unknownPathsAreAnOpenAiShaped404() {
        HttpResponse<String> response = send(postJson("/v1/no/such/thing?x=1", "{}"));
        assertOpenAiError(response, 404, "invalid_request_error", "unknown_url");
        assertTrue(json(response.body()).path("error").path("message").asText()
                .startsWith("Unknown request URL: POST /v1/no/such/thing"), response.body());
        assertOpenAiError(send(request("/v1/chat/completions").GET().build()), 404, "invalid_request_error", "unknown_url");
    }

    @Test
    void aBodyThatIsNotJsonIsA400() {
        assertOpenAiError(send(postJson("/v1/chat/completions", "{not json")), 400, "invalid_request_error", null);
    }
}
