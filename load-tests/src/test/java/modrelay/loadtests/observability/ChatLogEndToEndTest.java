package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.ChatLog.*;
import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOG_CHAT=true end to end: one JSON line per exchange with the request, the reply the client
 * actually received (streams included, moderated or not), finish reason, usage, verdicts and cuts;
 * nothing lost when the relay is stopped gracefully in the middle of traffic.
 */
class ChatLogEndToEndTest {
    private static final String AUTH = "Bearer sk-client:pk-chatlog";
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";

    @TempDir
    Path logs;
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream(
                    FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(1)))
            .withFakeTms(FakeTms.Options.defaults())
            .env("LOG_CHAT", "true", "PROXY_KEY", "pk-chatlog", "MODERATION_TIMEOUT", "2000", "HEARTBEAT_INTERVAL", "200ms")
            .env("LOG_DIR", () -> logs.toString()));

    private void start(Map<String, String> extra) {
        relay.start(s -> s.env(extra));
    }

    private List<JsonNode> stopAndRead() throws Exception {
        relay.server().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return chatEntries(logs);
    }

    @Test
    void anUnmoderatedStreamIsLoggedWithTheTextTheClientReceived() throws Exception {
        start(Map.of());
        HttpResponse<String> r = post(relay.baseUrl() + "/v1/chat/completions", AUTH,
                chatBody("Plain words. Nothing to see here.", true, ",\"stream_options\":{\"include_usage\":true}"),
                "X-Request-Id", "chat-unmoderated-1");
        assertEquals(200, r.statusCode());
        String received = sseText(r.body());
        assertEquals("Plain words. Nothing to see here.", received);

        JsonNode e = entry(stopAndRead(), "chat-unmoderated-1");
        assertEquals(received, e.get("reply").asText());
        assertEquals("stop", e.get("finish_reason").asText());
        assertTrue(e.at("/usage/total_tokens").asInt() > 0, e.toString());
        assertEquals("say:Plain words. Nothing to see here.", e.at("/request/messages/0/content").asText());
        assertEquals("key-1", e.get("client").asText());
        assertEquals("127.0.0.1", e.get("client_ip").asText());
        assertEquals("/v1/chat/completions", e.get("path").asText());
        assertEquals("gpt-4o-mini", e.get("model").asText());
        assertEquals(200, e.get("status").asInt());
        assertTrue(e.get("stream").asBoolean());
        assertFalse(e.get("cut").asBoolean());
        assertEquals("off", e.at("/moderation/outcome").asText());
        assertFalse(e.toString().contains("pk-chatlog"), "the proxy key is never in the chat log");
    }

    @Test
    void aModeratedStreamIsLoggedAsReleasedWithItsVerdictsAndTheCut() throws Exception {
        start(Map.of());
        String reply = "A calm first sentence. Then something forbidden follows. And more.";
        HttpResponse<String> r = post(relay.baseUrl() + "/v1/chat/completions", AUTH,
                chatBody(reply, true, ",\"moderation_level\":\"high\""), "X-Request-Id", "chat-cut-1");
        String received = sseText(r.body());
        assertTrue(received.startsWith("A calm first sentence.") && received.endsWith(NOTICE), received);

        JsonNode e = entry(stopAndRead(), "chat-cut-1");
        assertEquals(received, e.get("reply").asText(),
                "the reply is what reached the client: the text that passed moderation, then the notice");
        assertTrue(e.get("cut").asBoolean());
        assertEquals("content_filter", e.get("finish_reason").asText());
        assertEquals("high", e.at("/moderation/level").asText());
        assertEquals("cut", e.at("/moderation/outcome").asText());
        assertEquals(1, e.at("/moderation/block").asInt());
        JsonNode verdict = e.at("/moderation/verdicts/0");
        assertEquals("block", verdict.get("suggestion").asText());
        assertEquals(FakeTms.BLOCK_LABEL, verdict.get("label").asText());
        assertEquals(FakeTms.BLOCK_SCORE, verdict.get("score").asInt());
        assertEquals("cut_blocked", verdict.get("outcome").asText());
    }

    @Test
    void aBlockedWholeAnswerIsLoggedAsTheNoticeTheClientGot() throws Exception {
        start(Map.of());
        HttpResponse<String> r = post(relay.baseUrl() + "/v1/chat/completions", AUTH,
                chatBody("Then something forbidden follows.", false, ",\"moderation_level\":\"high\""), "X-Request-Id", "whole-cut-1");
        assertEquals(200, r.statusCode());
        String received = json(r.body()).at("/choices/0/message/content").asText();
        assertEquals(NOTICE, received, r.body());
        JsonNode e = entry(stopAndRead(), "whole-cut-1");
        assertEquals(received, e.get("reply").asText(), "not \"\": the client read the notice");
        assertTrue(e.get("cut").asBoolean());
    }

    @Test
    void nonStreamedAnswersAndTheResponsesApiAreLoggedToo() throws Exception {
        start(Map.of());
        HttpResponse<String> plain = post(relay.baseUrl() + "/v1/chat/completions", AUTH,
                chatBody("Whole answer here.", false, ""), "X-Request-Id", "whole-1");
        HttpResponse<String> moderated = post(relay.baseUrl() + "/v1/chat/completions", AUTH,
                chatBody("Moderated whole answer.", false, ",\"moderation\":true"), "X-Request-Id", "whole-2");
        HttpResponse<String> responses = post(relay.baseUrl() + "/v1/responses", AUTH,
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"say:Responses stream text.\"}", "X-Request-Id", "resp-1");
        HttpResponse<String> embeddings = post(relay.baseUrl() + "/v1/embeddings", AUTH,
                "{\"model\":\"text-embedding-3-small\",\"input\":\"not a chat\"}", "X-Request-Id", "emb-1");
        assertEquals(200, plain.statusCode());
        assertEquals(200, moderated.statusCode());
        assertEquals(200, embeddings.statusCode());
        assertEquals("Responses stream text.", sseText(responses.body()));

        List<JsonNode> entries = stopAndRead();
        JsonNode whole = entry(entries, "whole-1");
        assertEquals("Whole answer here.", whole.get("reply").asText());
        assertEquals(json(plain.body()).at("/choices/0/message/content").asText(), whole.get("reply").asText());
        assertEquals("stop", whole.get("finish_reason").asText());
        assertFalse(whole.get("stream").asBoolean());
        assertTrue(whole.at("/usage/total_tokens").asInt() > 0);
        JsonNode wholeModerated = entry(entries, "whole-2");
        assertEquals("Moderated whole answer.", wholeModerated.get("reply").asText());
        assertEquals("passed", wholeModerated.at("/moderation/outcome").asText());
        assertEquals(0, wholeModerated.at("/moderation/verdicts").size());
        assertTrue(wholeModerated.at("/moderation/frames").asInt() >= 1);
        JsonNode resp = entry(entries, "resp-1");
        assertEquals("Responses stream text.", resp.get("reply").asText());
        assertEquals("say:Responses stream text.", resp.at("/request/input").asText());
        assertEquals("stop", resp.get("finish_reason").asText());
        assertTrue(entries.stream().noneMatch(e -> e.get("request_id").asText().equals("emb-1")),
                "only chat, completions and responses exchanges are chat-logged");
    }

    @Test
    void aClientThatLeavesAnUnmoderatedStreamStillCancelsTheUpstream() throws Exception {
        start(Map.of());
        String body = chatBody("One. Two. Three. Four. Five. Six. Seven. Eight.", true, "");
        try (Socket socket = new Socket("127.0.0.1", relay.port())) {
            socket.setSoTimeout(20_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + AUTH + "\r\nX-Request-Id: left-1\r\nx-fake-stall-after-tokens: 3\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (seen.indexOf("Two") < 0) {
                int n = in.read(buf);
                if (n < 0) throw new AssertionError("closed early: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        // The chat log's tap must not keep a stream alive that the client left.
        relay.upstream().whenStreamsCancelled(1).toCompletableFuture().get(20, TimeUnit.SECONDS);
        JsonNode e = entry(stopAndRead(), "left-1");
        assertEquals("aborted", e.get("outcome").asText());
        // What the client read is logged, and nothing past what the upstream sent before it stalled (three
        // tokens): the tap sits after the body's last stage, with no buffer between it and the connection.
        String reply = e.get("reply").asText();
        assertTrue(reply.startsWith("One. Two."), e.toString());
        assertTrue("One. Two. Three. ".startsWith(reply), e.toString());
    }

    @Test
    void aGracefulStopMidTrafficLosesNoExchangeThatReachedItsClient() throws Exception {
        start(Map.of("SHUTDOWN_DEADLINE", "30s"));
        int n = 8;
        List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String extra = i % 2 == 0 ? ",\"moderation_level\":\"high\"" : "";
            running.add(CLIENT.sendAsync(postRequest(relay.baseUrl() + "/v1/chat/completions", AUTH,
                    chatBody("Stream number " + i + " says hello. It keeps talking for a while. Then it ends.", true, extra),
                    "X-Request-Id", "stop-" + i, "x-fake-token-interval-ms", "25").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        relay.upstream().whenStreamsStarted(n).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(running.stream().anyMatch(f -> !f.isDone()), "the stop must come while streams are running");
        relay.server().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);

        List<JsonNode> entries = chatEntries(logs);
        int completed = 0;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = running.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("data: [DONE]"), "stream " + i + " finished within SHUTDOWN_DEADLINE");
            completed++;
            JsonNode e = entry(entries, "stop-" + i);
            assertEquals(sseText(r.body()), e.get("reply").asText());
            assertEquals("stop", e.get("finish_reason").asText());
        }
        assertEquals(n, completed);
        assertEquals(n, entries.size());
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }
}
