package modrelay.loadtests.observability;

import static modrelay.loadtests.fixture.ChatLog.*;
import static modrelay.loadtests.fixture.TestHttp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every response carries X-Request-Id, and the same id is in the access line and the chat log entry. */
class RequestIdsEverywhereTest {
    @TempDir
    Path logs;
    @RegisterExtension
    final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(
                    FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO))
            .env("ROUTE_PREFIX", "/openai", "PROXY_KEY", "pk-ids", "CORS_ORIGINS", "*", "LOG_CHAT", "true")
            .env("LOG_DIR", () -> logs.toString()));
    private String prefixed;

    @BeforeEach
    void start() {
        prefixed = relay.baseUrl() + "/openai/v1";
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
                get(relay.baseUrl() + "/healthz", null),
                get(relay.baseUrl() + "/readyz", null),
                get(relay.baseUrl() + "/metrics", null),
                get(relay.baseUrl() + "/not-under-the-prefix", null),
                preflight,
                post(prefixed + "/chat/completions", null, chatBody("x.", false, "")),
                post(prefixed + "/chat/completions", "Bearer sk:pk-ids", "{not json"),
                post(prefixed + "/chat/completions", "Bearer sk:pk-ids", chatBody("x.", false, ""), "x-fake-status", "500"),
                get(prefixed + "/models", "Bearer sk:pk-ids"));
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
            HttpResponse<String> refused = post(prefixed + "/chat/completions", "Bearer sk:wrong", chatBody("x.", false, ""),
                    "X-Request-Id", "trace-refused-7");
            HttpResponse<String> ok = post(prefixed + "/chat/completions", "Bearer sk:pk-ids", chatBody("Hi there.", true, ""),
                    "X-Request-Id", "trace-ok-8");
            HttpResponse<String> health = get(relay.baseUrl() + "/healthz", null, "X-Request-Id", "trace-health-9");
            HttpResponse<String> insane = get(relay.baseUrl() + "/healthz", null, "X-Request-Id", "x".repeat(300));
            assertEquals("trace-refused-7", id(refused));
            assertEquals("trace-ok-8", id(ok));
            assertEquals("trace-health-9", id(health));
            assertTrue(id(insane).startsWith("req_"), "an unusable id is replaced, not echoed");
            relay.server().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

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
