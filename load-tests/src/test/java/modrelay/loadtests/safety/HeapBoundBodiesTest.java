package modrelay.loadtests.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.Test;

/**
 * A relay with a small container's heap ({@code -Xmx256m}, as the image runs it) under large and deeply
 * nested JSON bodies at once: each gets an OpenAI-shaped answer (served, 400 or 503 with Retry-After),
 * and the relay keeps serving everyone else. A full tree of tiny nodes per body is what killed it before.
 */
class HeapBoundBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> BOUNDED_ANSWERS = Set.of(200, 400, 503);

    /** About {@code bytes} of JSON: a chat request whose extra field is many small arrays nested {@code depth} deep. */
    private static byte[] nestedBody(int bytes, int depth) {
        String group = "[".repeat(depth) + "1" + "]".repeat(depth);
        StringBuilder b = new StringBuilder(bytes + group.length() + 128);
        b.append("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi.\"}],\"x\":[");
        while (b.length() < bytes) b.append(group).append(',');
        b.append("0]}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manyLargeNestedBodiesAtOnceGetAnswersAndTheRelayKeepsServing() throws Exception {
        FakeUpstream upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        try (RelayProcess relay = RelayProcess.start(Map.of("UPSTREAM_URL", upstream.baseUrl(),
                // The fake reads eight 7 MiB bodies at once; on a loaded 2-core machine that took longer than the
                // default 30 s header timeout (a 504 once). This test is about the heap, so the deadline is the client's.
                "TIMEOUT", "120000",
                // a data folder of its own: no sub-key file of another test turns keys on
                "DATA_DIR", java.nio.file.Files.createTempDirectory("heap-bound").toString()))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI chat = URI.create("http://127.0.0.1:" + relay.port + "/v1/chat/completions");
            byte[] wide = nestedBody(7 * 1024 * 1024, 100);      // under MAX_JSON_BYTES (8m), millions of tiny nodes
            byte[] tooDeep = nestedBody(2 * 1024 * 1024, 400);   // deeper than any schema a client sends
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] body = i % 3 == 0 ? tooDeep : wide;
                // Without Content-Length (chunked) the relay learns the size only while reading.
                HttpRequest.BodyPublisher publisher = i % 2 == 0
                        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body);
                answers.add(http.sendAsync(HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(120))
                        .header("Authorization", "Bearer sk-client").header("Content-Type", "application/json")
                        .POST(publisher).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                HttpResponse<String> r = a.get(180, TimeUnit.SECONDS);
                assertTrue(BOUNDED_ANSWERS.contains(r.statusCode()), r.statusCode() + " " + r.body());
                if (r.statusCode() != 200) {
                    JsonNode error = JSON.readTree(r.body()).get("error");
                    assertFalse(error.get("code").asText().isEmpty(), r.body());
                    if (r.statusCode() == 503) assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.body());
                }
            }
            // Everyone else is still served by the same process.
            HttpResponse<String> small = http.send(HttpRequest.newBuilder(chat).header("Authorization", "Bearer sk-client")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hi.\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode(), small.body());
            assertTrue(relay.process.isAlive(), "the relay is still running");
            assertFalse(relay.lines().stream().anyMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", relay.lines()));
        } finally {
            upstream.close();
        }
    }
}
