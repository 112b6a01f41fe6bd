package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client sees at the relay's edges: auth, errors, limits, CORS, health, prefix, headers. */
class RelayEdgesTest {
    @RegisterExtension
    static final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream().env(
            "PROXY_KEY", "edge-proxy-key",
            "ROUTE_PREFIX", "/openai",
            "HOP_HEADER_PREFIX", "X-Fc-",
            "MAX_REQUEST_BYTES", "4096"));
    private static String v1;

    @BeforeAll
    static void prefixed() {
        v1 = relay.baseUrl() + "/openai/v1";
    }

    @Test
    void missingOrWrongProxyKeyIs401InOpenAiShape() throws Exception {
        HttpResponse<String> none = TestHttp.post(v1 + "/chat/completions", null, TestHttp.chatBody("hi", false));
        assertEquals(401, none.statusCode());
        assertEquals("invalid_api_key", TestHttp.error(none).get("code").asText());
        HttpResponse<String> wrong = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-kex", TestHttp.chatBody("hi", false));
        assertEquals(401, wrong.statusCode());
        assertFalse(wrong.body().contains("edge-proxy-key"));
        assertTrue(wrong.headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void clientsThatCannotPutAColonInTheKeyUseTheProxyKeyHeader() throws Exception {
        HttpResponse<String> r = TestHttp.post(v1 + "/chat/completions", "Bearer sk-own", TestHttp.chatBody("ok.", false),
                "X-Proxy-Key", "edge-proxy-key");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Bearer sk-own", lastRequest().header("authorization"));
        assertNull(lastRequest().header("x-proxy-key"));
    }

    @Test
    void badJsonIs400() throws Exception {
        HttpResponse<String> r = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key", "{\"model\":");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_json", TestHttp.error(r).get("code").asText());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = TestHttp.chatBody("x".repeat(5000), false);
        HttpResponse<String> r = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key", big);
        assertEquals(413, r.statusCode());
        TestHttp.error(r);
        HttpResponse<String> upload = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(v1 + "/files"))
                .header("Authorization", "Bearer sk-a:edge-proxy-key").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10_000])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, upload.statusCode());
    }

    @Test
    void unknownRouteUnderThePrefixIsStillRelayedWithPathAndQuery() throws Exception {
        HttpResponse<String> r = TestHttp.get(v1 + "/some/new/endpoint?limit=3&after=x%20y", "Bearer sk-a:edge-proxy-key");
        assertEquals(404, r.statusCode());
        assertEquals("/v1/some/new/endpoint?limit=3&after=x%20y", lastRequest().path());
    }

    @Test
    void pathsOutsideThePrefixAreNotRelayed() throws Exception {
        int before = relay.upstream().requests().size();
        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/v1/models", "Bearer sk-a:edge-proxy-key");
        assertEquals(404, r.statusCode());
        TestHttp.error(r);
        assertEquals(before, relay.upstream().requests().size());
    }

    @Test
    void hopByHopAndGatewayHeadersAreDroppedOthersKept() throws Exception {
        HttpResponse<String> r = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key", TestHttp.chatBody("ok.", false),
                "X-Fc-Request-Id", "gateway-injected", "OpenAI-Organization", "org-1", "X-Request-Id", "client-chosen-id");
        assertEquals(200, r.statusCode());
        FakeUpstream.RecordedRequest seen = lastRequest();
        assertNull(seen.header("x-fc-request-id"));
        assertEquals("org-1", seen.header("openai-organization"));
        assertEquals("client-chosen-id", r.headers().firstValue("x-request-id").orElseThrow());
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertEquals(200, TestHttp.get(relay.baseUrl() + "/healthz", null).statusCode());
        HttpResponse<String> ready = TestHttp.get(relay.baseUrl() + "/readyz", null);
        assertEquals(200, ready.statusCode());
        assertEquals("ready", TestHttp.json(ready.body()).get("status").asText());
    }

    @Test
    void corsPreflightIsAnsweredAndResponsesCarryAllowOrigin() throws Exception {
        HttpResponse<String> pre = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(v1 + "/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://chat.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, pre.statusCode());
        assertEquals("*", pre.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertTrue(pre.headers().firstValue("access-control-allow-headers").orElseThrow().contains("authorization"));
        HttpResponse<String> r = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key", TestHttp.chatBody("ok.", false),
                "Origin", "https://chat.example");
        assertEquals(java.util.List.of("*"), r.headers().allValues("access-control-allow-origin"));
    }

    @Test
    void moderationFlagsAreRemovedBeforeTheBodyGoesUpstreamAndBadLevelIs400() throws Exception {
        HttpResponse<String> bad = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key",
                "{\"model\":\"m\",\"moderation_level\":\"medium\",\"messages\":[]}");
        assertEquals(400, bad.statusCode());
        assertTrue(TestHttp.error(bad).get("message").asText().contains("\"high\" or \"low\""));
        HttpResponse<String> off = TestHttp.post(v1 + "/chat/completions", "Bearer sk-a:edge-proxy-key",
                "{\"model\":\"m\",\"moderation\":false,\"messages\":[{\"role\":\"user\",\"content\":\"say:fine.\"}]}");
        assertEquals(200, off.statusCode(), off.body());
        JsonNode sent = TestHttp.json(lastRequest().bodyText());
        assertFalse(sent.has("moderation"));
        assertEquals("m", sent.get("model").asText());
    }

    private static FakeUpstream.RecordedRequest lastRequest() {
        var all = relay.upstream().requests();
        return all.get(all.size() - 1);
    }

}
