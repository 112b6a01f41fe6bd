package modrelay.loadtests.safety;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Safe by default, end to end: the real Main in its own process. */
class OpenRelayRefusalTest {
    private static final String SERVER_KEY = "sk-operator-key-000000000000001";

    @Test
    void serverKeysWithoutAnyClientKeyRefuseToStartWithOneLineSayingHowToFixIt() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of("OPENAI_KEY", SERVER_KEY))) {
            assertEquals(2, relay.awaitExit());
            List<String> refusals = relay.lines().stream().filter(l -> l.startsWith("modrelay: refusing to start an open relay")).toList();
            assertEquals(1, refusals.size(), relay.lines().toString());
            String line = refusals.get(0);
            assertTrue(line.contains("PROXY_KEY") && line.contains("ALLOW_OPEN_RELAY=true"), line);
            assertFalse(String.join("\n", relay.lines()).contains(SERVER_KEY), "the key is never printed");
            assertTrue(relay.lines().stream().noneMatch(l -> l.contains("listening")), relay.lines().toString());
        }
    }

    @Test
    void declaredUpstreamsWithKeysAreRefusedTheSameWay() throws Exception {
        String upstreams = "[{\"name\":\"main\",\"url\":\"http://127.0.0.1:9/v1\",\"keys\":[\"" + SERVER_KEY + "\"]}]";
        try (RelayProcess relay = RelayProcess.start(Map.of("UPSTREAMS", upstreams))) {
            assertEquals(2, relay.awaitExit());
            assertTrue(relay.lines().stream().anyMatch(l -> l.startsWith("modrelay: refusing to start an open relay")),
                    relay.lines().toString());
        }
    }

    @Test
    void allowOpenRelayStartsItWithAWarning() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of("OPENAI_KEY", SERVER_KEY, "ALLOW_OPEN_RELAY", "true"))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
            String warning = relay.awaitLine(l -> l.contains("WARN") && l.contains("ALLOW_OPEN_RELAY=true"));
            assertTrue(warning.contains("anyone"), warning);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void aProxyKeyOrSubKeysMakeItSafeAndShortProxyKeysAreWarnedAboutByName() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of("OPENAI_KEY", SERVER_KEY, "PROXY_KEY", "tiny7pk,a-long-enough-proxy-key-01"))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
            String warning = relay.awaitLine(l -> l.contains("WARN") && l.contains("shorter than 16"));
            assertTrue(warning.contains("key-1") && !warning.contains("key-2"), warning);
            assertFalse(String.join("\n", relay.lines()).contains("tiny7pk"), "the short key itself is not printed");
            assertTrue(relay.lines().stream().noneMatch(l -> l.contains("ALLOW_OPEN_RELAY")), relay.lines().toString());
        }
        try (RelayProcess relay = RelayProcess.start(Map.of("OPENAI_KEY", SERVER_KEY, "ADMIN_TOKEN", "admin-token-0123456789"))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
        }
    }

    @Test
    void withoutServerKeysNoClientKeyIsNeededAsBeforeAndTheDemosShortKeyKeepsWorking() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of())) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
        }
        try (RelayProcess relay = RelayProcess.start(Map.of("PROXY_KEY", "demo"))) {
            relay.awaitLine(l -> l.contains("modrelay listening on"));
            relay.awaitLine(l -> l.contains("WARN") && l.contains("shorter than 16"));
        }
    }
}
