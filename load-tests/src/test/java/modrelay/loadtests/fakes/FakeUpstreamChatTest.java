package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class FakeUpstreamChatTest extends FakeUpstreamHttpTest {
    private static final String SAID = "你好，世界！Hello, world 👋🏽 and 👨‍👩‍👧 from 🇨🇳 without a full stop";

    private static String chatBody(boolean stream, String content, String extra) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + extra
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"say:not this one\"},"
                + "{\"role\":\"user\",\"content\":" + FakeUpstreamJson.quote(content) + "}]}";
    }

    @Test
    void streamedChatSendsRoleThenOneChunkPerTokenThenStopThenDoneAndTheDeltasSpellTheSayText() throws Exception {
        HttpResponse<java.io.InputStream> response =
                open(postJson("/v1/chat/completions", chatBody(true, "Please say:" + SAID, "")));
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        List<Sse> events = new SseReader(response.body()).all();

        assertTrue(events.get(events.size() - 1).isDone(), "ends with [DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Sse::json).toList();
        JsonNode first = chunks.get(0).path("choices").get(0);
        assertEquals("assistant", first.path("delta").path("role").asText());
        assertEquals("", first.path("delta").path("content").asText());

        StringBuilder said = new StringBuilder();
        List<String> deltas = new ArrayList<>();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 1)) {
            JsonNode choice = chunk.path("choices").get(0);
            assertTrue(choice.path("finish_reason").isNull());
            deltas.add(choice.path("delta").path("content").asText());
            said.append(deltas.get(deltas.size() - 1));
        }
        assertEquals(SAID, said.toString());
        assertEquals(FakeTokens.split(SAID), deltas, "one chunk per token");
        assertTrue(deltas.contains("你") && deltas.contains("👋🏽") && deltas.contains("🇨🇳"), deltas.toString());

        JsonNode last = chunks.get(chunks.size() - 1).path("choices").get(0);
        assertEquals("stop", last.path("finish_reason").asText());
        assertEquals(0, last.path("delta").size(), "final delta is empty");
        for (JsonNode chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals(chunks.get(0).path("id").asText(), chunk.path("id").asText());
            assertEquals("gpt-4o-mini", chunk.path("model").asText());
            assertTrue(chunk.path("created").asLong() > 1_600_000_000L);
            assertEquals(0, chunk.path("choices").get(0).path("index").asInt());
            assertTrue(chunk.path("choices").get(0).has("logprobs"));
            assertFalse(chunk.has("usage"), "no usage unless asked for");
        }
        await(upstream.whenStreamsCompleted(1));
        assertEquals(0, upstream.streamsCancelled());
    }

    @Test
    void tokensArriveOverTimeNotInOneWrite() {
        // Each read of the client is recorded; a fake that wrote the whole stream at once would
        // deliver the first token and [DONE] in the same read.
        List<byte[]> reads = readsOf(postJson("/v1/chat/completions", chatBody(true, "say:" + SAID, ""),
                "x-fake-token-interval-ms", "40"));
        int firstTokenRead = readContaining(reads, "\"content\":\"你\"");
        int doneRead = readContaining(reads, "[DONE]");
        assertTrue(firstTokenRead >= 0 && doneRead > firstTokenRead,
                "first token in read " + firstTokenRead + ", [DONE] in read " + doneRead);
        assertTrue(reads.size() >= 3, "expected many separate reads, got " + reads.size());
    }

    @Test
    void includeUsageAddsAUsageChunkWithEmptyChoicesBeforeDone() {
        HttpResponse<String> response = send(postJson("/v1/chat/completions",
                chatBody(true, "say:one two three", ",\"stream_options\":{\"include_usage\":true}")));
        List<Sse> events = sse(response.body());
        assertTrue(events.get(events.size() - 1).isDone());
        JsonNode usageChunk = events.get(events.size() - 2).json();
        assertEquals(0, usageChunk.path("choices").size());
        assertEquals(3, usageChunk.path("usage").path("completion_tokens").asInt());
        int prompt = usageChunk.path("usage").path("prompt_tokens").asInt();
        assertTrue(prompt > 0);
        assertEquals(prompt + 3, usageChunk.path("usage").path("total_tokens").asInt());
        JsonNode finish = events.get(events.size() - 3).json();
        assertEquals("stop", finish.path("choices").get(0).path("finish_reason").asText());
        assertTrue(finish.path("usage").isNull(), "other chunks carry usage:null, as OpenAI sends them");
    }

    @Test
    void nonStreamingChatAnswersAChatCompletionWithTheDefaultReply() {
        HttpResponse<String> response = send(postJson("/v1/chat/completions", chatBody(false, "hello there", "")));
        assertEquals(200, response.statusCode());
        JsonNode completion = json(response.body());
        assertEquals("chat.completion", completion.path("object").asText());
        assertTrue(completion.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("gpt-4o-mini", completion.path("model").asText());
        JsonNode choice = completion.path("choices").get(0);
        assertEquals(0, choice.path("index").asInt());
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals(FakeUpstream.Options.DEFAULT_REPLY, choice.path("message").path("content").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
        assertTrue(choice.has("logprobs") && choice.path("logprobs").isNull());
        assertEquals(FakeTokens.split(FakeUpstream.Options.DEFAULT_REPLY).size(),
                completion.path("usage").path("completion_tokens").asInt());
        assertEquals(0, upstream.streamsStarted(), "a non-streaming answer is not a stream");
    }

    @Test
    void contentGivenAsTextPartsIsReadToo() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"please say:\"},{\"type\":\"text\",\"text\":\"两部分\"}]}]}";
        JsonNode completion = json(send(postJson("/v1/chat/completions", body)).body());
        assertEquals("两部分", completion.path("choices").get(0).path("message").path("content").asText());
    }

    @Test
    void reasoningHeaderStreamsReasoningContentBeforeTheAnswer() {
        HttpResponse<String> response = send(postJson("/v1/chat/completions", chatBody(true, "say:Done.", ""),
                "x-fake-reasoning", "1"));
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (Sse event : sse(response.body())) {
            if (event.isDone()) continue;
            JsonNode delta = event.json().path("choices").get(0).path("delta");
            if (delta.path("reasoning_content").isTextual()) {
                assertEquals(0, content.length(), "reasoning comes before the answer");
                reasoning.append(delta.path("reasoning_content").asText());
            }
            content.append(delta.path("content").asText(""));
        }
        assertEquals(FakeChatReplies.REASONING.text(), reasoning.toString());
        assertEquals("Done.", content.toString());
    }

    @Test
    void withoutTheReasoningHeaderThereIsNoReasoningContent() {
        HttpResponse<String> response = send(postJson("/v1/chat/completions", chatBody(true, "say:Done.", "")));
        assertFalse(response.body().contains("reasoning_content"));
    }

    @Test
    void defaultReplyIsConfigurable() {
        upstream.close();
        upstream = FakeUpstream.start(options().withDefaultReply("Configured. 配置。"));
        JsonNode completion = json(send(postJson("/v1/chat/completions", chatBody(false, "no instruction", ""))).body());
        assertEquals("Configured. 配置。", completion.path("choices").get(0).path("message").path("content").asText());
    }

    private List<byte[]> readsOf(java.net.http.HttpRequest request) {
        CompletableFuture<List<byte[]>> done = new CompletableFuture<>();
        List<byte[]> reads = new ArrayList<>();
        try {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
                    http.send(request, HttpResponse.BodyHandlers.ofPublisher());
            assertEquals(200, response.statusCode());
            response.body().subscribe(new Flow.Subscriber<>() {
                @Override public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override public void onNext(List<ByteBuffer> buffers) {
                    ByteArrayOutputStream read = new ByteArrayOutputStream();
                    for (ByteBuffer buffer : buffers) {
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        read.writeBytes(bytes);
                    }
                    reads.add(read.toByteArray());
                }

                @Override public void onError(Throwable failure) {
                    done.completeExceptionally(failure);
                }

                @Override public void onComplete() {
                    done.complete(reads);
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return await(done);
    }

    /** The index of the read in which {@code text} ends (reads are joined, so text may straddle two). */
    private static int readContaining(List<byte[]> reads, String text) {
        ByteArrayOutputStream soFar = new ByteArrayOutputStream();
        for (int i = 0; i < reads.size(); i++) {
            soFar.writeBytes(reads.get(i));
            if (soFar.toString(StandardCharsets.UTF_8).contains(text)) return i;
        }
        throw new AssertionError("never received " + text);
    }
}
