package modrelay.loadtests.observability;

import static modrelay.loadtests.observability.Observed.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every response carries X-Request-Id, and the same id is in the access line and the chat log entry. */
class RequestIdsEverywhereTest {
    @TempDir
    Path logs;
    private FakeUpstream upstream;
    private RelayServer relay;
    private String prefixed;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO));
        relay = relay(upstream.baseUrl(), Map.of("ROUTE_PREFIX", "/openai", "PROXY_KEY", "pk-ids", "CORS_ORIGINS", "*",
                "LOG_CHAT", "true", "LOG_DIR", logs.toString()));
        prefixed = base(relay) + "/openai/v1";
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        if (upstream != null) upstream.close();
    }

    private static String id(HttpResponse<?> r) {
        return r.headers().firstValue("x-request-id").orElseThrow(() -> new AssertionError(
                "no X-Request-Id on " + r.statusCode() + " " + r.uri()));
    }

    @Test
    void everyKindOfResponseCarriesAFreshId() throws Exception {
        HttpResponse<String> preflight = CLIENT.send(HttpRequest.newBuilder(URI.create(prefixed + "/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        List<HttpResponse<String>> all = List.of(
                get(base(relay) + "/healthz"),
                get(base(relay) + "/readyz"),
                get(base(relay) + "/metrics"),
                get(base(relay) + "/not-under-the-prefix"),
                preflight,
                send(post(prefixed + "/chat/completions", null, chat("x.", false, ""))),
                send(post(prefixed + "/chat/completions", "Bearer sk:pk-ids", "{not json")),
                send(post(prefixed + "/chat/completions", "Bearer sk:pk-ids", chat("x.", false, ""), "x-fake-status", "500")),
                get(prefixed + "/models", "Authorization", "Bearer sk:pk-ids"));
        assertEquals(404, all.get(3).statusCode());
        assertEquals(401, all.get(5).statusCode());
        assertEquals(400, all.get(6).statusCode());
        assertEquals(500, all.get(7).statusCode());
        assertEquals(200, all.get(8).statusCode());
        Set<String> ids = new HashSet<>();
        for (HttpResponse<String> r : all) {
            String id = id(r);
            assertTrue(id.matches("req_[0-9a-f]{32}"), id);
            ids.add(id);
        }
        assertEquals(all.size(), ids.size(), "each response has its own id");
    }

    @Test
    void theClientsIdIsEchoedLoggedAndWrittenToTheChatLog() throws Exception {
        try (CapturedOutput out = new CapturedOutput()) {
            HttpResponse<String> refused = send(post(prefixed + "/chat/completions", "Bearer sk:wrong", chat("x.", false, ""),
                    "X-Request-Id", "trace-refused-7"));
            HttpResponse<String> ok = send(post(prefixed + "/chat/completions", "Bearer sk:pk-ids", chat("Hi there.", true, ""),
                    "X-Request-Id", "trace-ok-8"));
            HttpResponse<String> health = get(base(relay) + "/healthz", "X-Request-Id", "trace-health-9");
            HttpResponse<String> insane = get(base(relay) + "/healthz", "X-Request-Id", "x".repeat(300));
            assertEquals("trace-refused-7", id(refused));
            assertEquals("trace-ok-8", id(ok));
            assertEquals("trace-health-9", id(health));
            assertTrue(id(insane).startsWith("req_"), "an unusable id is replaced, not echoed");
            relay.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

            List<String> access = out.jsonLines().stream().filter(l -> l.contains("\"modrelay.access\"")).toList();
            assertTrue(access.stream().anyMatch(l -> l.contains("{\"request_id\":\"trace-refused-7\"}") && l.contains("{\"status\":\"401\"}")),
                    String.join("\n", access));
            assertTrue(access.stream().anyMatch(l -> l.contains("{\"request_id\":\"trace-ok-8\"}") && l.contains("{\"status\":\"200\"}")),
                    String.join("\n", access));
        }
        JsonNode entry = entry(chatEntries(logs), "trace-ok-8");
        assertEquals("Hi there.", entry.get("reply").asText());
    }
}
