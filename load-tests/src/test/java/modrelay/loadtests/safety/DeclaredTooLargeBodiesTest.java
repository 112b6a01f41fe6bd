package modrelay.loadtests.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RawConnection;
import org.junit.jupiter.api.Test;

/**
 * Bodies that declare more than MAX_REQUEST_BYTES, many at once, against a relay with a small
 * container's heap: each uploader reads a 413 in OpenAI's shape before its body is read (the relay
 * never buffers what it will refuse), keeps uploading without hurting anyone, and the relay serves on.
 * Raw connections, because the JDK client waits on {@code Expect: 100-continue} for such bodies.
 */
class DeclaredTooLargeBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UPLOADERS = 8;
    private static final long DECLARED = 512L * 1024 * 1024; // 512 MiB each: 4 GiB declared at once, 16x the heap

    @Test
    void manyBodiesDeclaredTooLargeAtOnceGet413AndTheRelayKeepsServing() throws Exception {
        FakeUpstream upstream = FakeUpstream.start(FakeUpstream.Options.defaults());
        try (RelayProcess relay = RelayProcess.start(Map.of("UPSTREAM_URL", upstream.baseUrl(),
                "DATA_DIR", Files.createTempDirectory("declared-too-large").toString()))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < UPLOADERS; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> upload(relay.port)));
            }
            for (CompletableFuture<String> a : answers) {
                String answer = a.get(120, TimeUnit.SECONDS);
                assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
                JsonNode error = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("error");
                assertEquals("request_too_large", error.get("code").asText(), answer);
                assertEquals("invalid_request_error", error.get("type").asText(), answer);
            }
            HttpResponse<String> small = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + relay.port + "/v1/chat/completions"))
                    .header("Authorization", "Bearer sk-client").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hi.\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode(), small.body());
            assertTrue(relay.process.isAlive(), "the relay is still running");
            assertFalse(relay.lines().stream().anyMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", relay.lines()));
        } finally {
            upstream.close();
        }
    }

    /**
     * Sends the headers, then writes body bytes (up to 8 MiB) on another thread as a real uploader would,
     * while this one reads the answer. Writing stops when the relay closes the connection.
     */
    private static String upload(int port) {
        try (RawConnection connection = new RawConnection(port)) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer sk-client\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) '[');
                try {
                    for (int i = 0; i < 128; i++) connection.send(chunk);
                } catch (IOException closedByTheRelay) {
                    // expected: the relay answered and closed
                }
            }, "too-large-uploader");
            writer.setDaemon(true);
            writer.start();
            return connection.readResponse();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
