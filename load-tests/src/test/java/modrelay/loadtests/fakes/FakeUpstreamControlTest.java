package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeUpstreamControlTest extends FakeUpstreamHttpTest {
    private static final String CHAT = "{\"model\":\"m\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    @Override
    FakeUpstream.Options options() {
        return super.options().withStatusForKey("sk-limited", 429).withStatusForKey("sk-revoked", 401)
                .withRetryAfterSeconds(7);
    }

    @Test
    void aKeyConfiguredWith429GetsRateLimitedWithRetryAfterWhileOtherKeysPass() {
        HttpResponse<String> limited = send(request("/v1/chat/completions")
                .setHeader("Authorization", "Bearer sk-limited")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(CHAT.formatted(false, "hi"))).build());
        assertOpenAiError(limited, 429, "requests", "rate_limit_exceeded");
        assertEquals("7", limited.headers().firstValue("retry-after").orElse(null));

        HttpResponse<String> revoked = send(request("/v1/models").setHeader("Authorization", "Bearer sk-revoked").GET().build());
        assertOpenAiError(revoked, 401, "invalid_request_error", "invalid_api_key");
        assertFalse(revoked.headers().firstValue("retry-after").isPresent());

        assertEquals(200, send(postJson("/v1/chat/completions", CHAT.formatted(false, "hi"))).statusCode());
    }

    @Test
    void xFakeStatusAnswersThatStatusWithAnOpenAiError() {
        assertOpenAiError(send(postJson("/v1/chat/completions", CHAT.formatted(true, "hi"), "x-fake-status", "503")),
                503, "server_error", null);
        assertOpenAiError(send(postJson("/v1/chat/completions", CHAT.formatted(true, "hi"), "x-fake-status", "400")),
                400, "invalid_request_error", null);
        assertEquals(0, upstream.streamsStarted());
    }

    @Test
    void stallAfterTokensKeepsTheConnectionOpenUntilTheClientLeaves() throws Exception {
        HttpResponse<InputStream> response = open(postJson("/v1/chat/completions",
                CHAT.formatted(true, "say:one two three four five six"),
                "x-fake-stall-after-tokens", "2", "x-fake-token-interval-ms", "1"));
        SseReader reader = new SseReader(response.body());
        assertEquals("assistant", reader.next().json().path("choices").get(0).path("delta").path("role").asText());
        assertEquals("one ", reader.next().json().path("choices").get(0).path("delta").path("content").asText());
        assertEquals("two ", reader.next().json().path("choices").get(0).path("delta").path("content").asText());

        // Nothing more will come, yet the stream and its connection stay open.
        CompletableFuture<Sse> third = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.next();
            } catch (Exception closed) {
                return null;
            }
        });
        assertEquals(1, upstream.openConnections());
        assertEquals(1, upstream.streamsStarted());
        assertEquals(0, upstream.streamsCompleted() + upstream.streamsCancelled());
        assertFalse(third.isDone());

        response.body().close();
        await(upstream.whenOpenConnectionsAtMost(0));
        await(upstream.whenStreamsCancelled(1));
        assertEquals(0, upstream.streamsCompleted());
        Sse afterClose = await(third);
        assertTrue(afterClose == null || !afterClose.data().contains("three"), "no token after the stall");
    }

    @Test
    void delayHeadersHoldsTheAnswerBackWithoutBlockingOthers() {
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> delayed = http.sendAsync(
                postJson("/v1/chat/completions", CHAT.formatted(false, "say:late"), "x-fake-delay-headers-ms", "400"),
                HttpResponse.BodyHandlers.ofString());
        // Another request on another connection is answered while the first one waits.
        assertEquals(200, send(request("/v1/models").GET().build()).statusCode());
        assertFalse(delayed.isDone());
        HttpResponse<String> late = await(delayed);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 400, "answered before the delay");
        assertEquals("late", json(late.body()).path("choices").get(0).path("message").path("content").asText());
    }

    @Test
    void requestsAreRecordedWithLowerCaseHeadersAndRawBodies() {
        String body = CHAT.formatted(false, "say:x");
        send(postJson("/v1/chat/completions?api-version=1", body, "X-Custom", "Value"));
        List<FakeUpstream.RecordedRequest> requests = upstream.requests();
        assertEquals(1, requests.size());
        FakeUpstream.RecordedRequest recorded = requests.get(0);
        assertEquals("POST", recorded.method());
        assertEquals("/v1/chat/completions?api-version=1", recorded.path());
        assertEquals("Value", recorded.headers().get("x-custom"));
        assertEquals("Bearer sk-test", recorded.headers().get("authorization"));
        assertEquals("application/json", recorded.headers().get("content-type"));
        assertEquals(body, recorded.bodyText());
    }

    @Test
    void withRecordingOffNothingIsKept() {
        upstream.close();
        upstream = FakeUpstream.start(options().withRecordRequests(false));
        assertEquals(200, send(request("/v1/models").GET().build()).statusCode());
        assertTrue(upstream.requests().isEmpty());
    }

    @Test
    void connectionsAreCountedInAndOut() throws Exception {
        assertEquals(0, upstream.openConnections());
        try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
            socket.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).endsWith("200"));
            assertEquals(1, upstream.openConnections(), "a kept-alive connection stays counted");
            assertFalse(upstream.whenOpenConnectionsAtMost(0).toCompletableFuture().isDone());
        }
        await(upstream.whenOpenConnectionsAtMost(0));
        assertEquals(0, upstream.openConnections());
    }
}
