package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up for tests that talk HTTP to a fresh {@link FakeUpstream} on port 0 with the JDK
 * client (HTTP/1.1, like the relay and most OpenAI clients), plus an SSE reader.
 */
abstract class FakeUpstreamHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Each test gets its own client so that no pooled connection outlives its fake. */
    HttpClient http;
    FakeUpstream upstream;

    /** Tests override this to start the fake differently. */
    FakeUpstream.Options options() {
        return FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(5));
    }

    @BeforeEach
    void startFake() {
        upstream = FakeUpstream.start(options());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stopFake() {
        upstream.close();
    }

    HttpRequest.Builder request(String path, String... headerPairs) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer sk-test");
        for (int i = 0; i < headerPairs.length; i += 2) builder.header(headerPairs[i], headerPairs[i + 1]);
        return builder;
    }

    HttpRequest postJson(String path, String json, String... headerPairs) {
        return request(path, headerPairs).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<InputStream> open(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One server-sent event: its {@code event:} name (null if none) and its {@code data:}. */
    record Sse(String event, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + data, e);
            }
        }

        boolean isDone() {
            return data.equals("[DONE]");
        }
    }

    /** Reads SSE events from a body, blocking for each, until {@code max} events or the end. */
    static final class SseReader {
        private final BufferedReader lines;

        SseReader(InputStream body) {
            lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        /** The next event, or null at the end of the body. */
        Sse next() throws IOException {
            String event = null;
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) return new Sse(event, data.toString());
                    continue;
                }
                if (line.startsWith("event: ")) event = line.substring(7);
                if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(6));
                }
            }
            return null;
        }

        List<Sse> all() throws IOException {
            List<Sse> events = new ArrayList<>();
            for (Sse event = next(); event != null; event = next()) events.add(event);
            return events;
        }
    }

    static List<Sse> sse(String body) {
        try {
            return new SseReader(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).all();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not completed within 10 s", e);
        }
    }

    static void assertOpenAiError(HttpResponse<String> response, int status, String type, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        JsonNode error = json(response.body()).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertEquals(code, error.path("code").isNull() ? null : error.path("code").asText(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(error.path("message").asText().length() > 10, response.body());
        org.junit.jupiter.api.Assertions.assertTrue(error.has("param"), response.body());
    }
}
