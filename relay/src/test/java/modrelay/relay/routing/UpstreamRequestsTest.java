package modrelay.relay.routing;

import static modrelay.relay.routing.Upstreams.azure;
import static modrelay.relay.routing.Upstreams.openai;
import static org.junit.jupiter.api.Assertions.*;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.RawHeader;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import modrelay.relay.exchange.UpstreamBody;
import modrelay.relay.routing.RoutingTable.Route;
import org.junit.jupiter.api.Test;

class UpstreamRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Upstream OPENAI = new Upstream(0, openai("deepseek", 0, 1, "deepseek-chat=deepseek-v3"), Optional.empty());
    private static final Upstream AZURE = new Upstream(1, azure("az", "gpt-4o=prod-4o"), Optional.empty());
    private static final List<HttpHeader> HEADERS = List.of(RawHeader.create("OpenAI-Beta", "assistants=v2"));
    private static final String CHAT = "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static UpstreamBody json(String body) {
        try {
            return UpstreamBody.Json.of(modrelay.relay.request.JsonBody.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (modrelay.relay.request.JsonBody.Invalid e) {
            throw new AssertionError(e);
        }
    }

    private static HttpRequest built(Upstream u, Route route, String path, Optional<String> key, UpstreamBody body,
            Optional<String> model) {
        UpstreamRequests.Result r = UpstreamRequests.build(u, route, HttpMethods.POST, path, HEADERS, key, body, model);
        return assertInstanceOf(UpstreamRequests.Result.Built.class, r).request();
    }

    private static String body(HttpRequest r) {
        return ((HttpEntity.Strict) r.entity()).getData().utf8String();
    }

    @Test
    void anOpenAiUpstreamGetsTheV1PathUnderItsApiRootWithABearerKey() throws Exception {
        HttpRequest r = built(OPENAI, new Route(0, "deepseek-v3"), "/v1/chat/completions?x=1", Optional.of("sk-up"), json(CHAT),
                Optional.of("deepseek-chat"));
        assertEquals("http://deepseek.example/v1/chat/completions?x=1", r.getUri().toString());
        assertEquals("Bearer sk-up", r.getHeader("Authorization").orElseThrow().value());
        assertEquals("assistants=v2", r.getHeader("OpenAI-Beta").orElseThrow().value(), "the client's headers go along");
        assertEquals("deepseek-v3", JSON.readTree(body(r)).get("model").asText(), "renamed for this upstream");
        assertEquals("hi", JSON.readTree(body(r)).at("/messages/0/content").asText(), "and nothing else changed");
    }

    @Test
    void pathsOutsideV1GoUnderTheOriginAndNoKeyMeansNoCredential() {
        HttpRequest r = built(OPENAI, new Route(0, null), "/dashboard/billing", Optional.empty(), json("{}"), Optional.empty());
        assertEquals("http://deepseek.example/dashboard/billing", r.getUri().toString());
        assertTrue(r.getHeader("Authorization").isEmpty());
        assertTrue(r.getHeader("api-key").isEmpty());
    }

    @Test
    void theBodyIsSentAsItIsWhenTheModelKeepsItsName() {
        String original = "{\"model\":\"deepseek-v3\" , \"x\":1}";
        HttpRequest r = built(OPENAI, new Route(0, "deepseek-v3"), "/v1/chat/completions", Optional.empty(), json(original),
                Optional.of("deepseek-v3"));
        assertEquals(original, body(r), "byte for byte, spacing included");
        HttpRequest unknown = built(OPENAI, new Route(0, "deepseek-v3"), "/v1/chat/completions", Optional.empty(), json(original),
                Optional.empty());
        assertEquals(original, body(unknown), "no model read: nothing to rename");
    }

    @Test
    void aBodyThatIsNotJsonOrStreamedIsNeverRewritten() {
        UpstreamBody form = new UpstreamBody.Bytes(ContentTypes.TEXT_PLAIN_UTF8, ByteString.fromString("model=deepseek-chat"));
        HttpRequest r = built(OPENAI, new Route(0, "deepseek-v3"), "/v1/audio/transcriptions", Optional.empty(), form,
                Optional.of("deepseek-chat"));
        assertEquals("model=deepseek-chat", body(r));
        UpstreamBody streamed = new UpstreamBody.Streamed(akka.http.javadsl.model.HttpEntities.create(ContentTypes.APPLICATION_JSON,
                CHAT.length(), akka.stream.javadsl.Source.single(ByteString.fromString(CHAT))));
        HttpRequest s = built(OPENAI, new Route(0, "deepseek-v3"), "/v1/chat/completions", Optional.empty(), streamed,
                Optional.of("deepseek-chat"));
        assertSame(streamed.entity(), s.entity(), "a streamed body goes through untouched");
    }

    @Test
    void azureGetsItsDeploymentPathApiVersionAndApiKeyHeader() throws Exception {
        HttpRequest r = built(AZURE, new Route(1, "prod-4o"), "/v1/chat/completions", Optional.of("az-key"),
                json("{\"model\":\"gpt-4o\"}"), Optional.of("gpt-4o"));
        assertEquals("http://az.example/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21", r.getUri().toString());
        assertEquals("az-key", r.getHeader("api-key").orElseThrow().value());
        assertTrue(r.getHeader("Authorization").isEmpty(), "Azure takes api-key, not a bearer token");
        assertEquals("prod-4o", JSON.readTree(body(r)).get("model").asText());
    }

    @Test
    void anAzureDeploymentPathWithoutAModelIsTheClients400() {
        UpstreamRequests.Result r = UpstreamRequests.build(AZURE, new Route(1, null), HttpMethods.POST, "/v1/chat/completions",
                HEADERS, Optional.of("az-key"), json("{}"), Optional.empty());
        UpstreamRequests.Result.Unroutable un = assertInstanceOf(UpstreamRequests.Result.Unroutable.class, r);
        assertEquals(400, un.error().status().intValue());
        assertEquals("deployment_required", un.error().code());
    }

    @Test
    void aPathThatIsNoUrlIsRefusedNotThrown() {
        UpstreamRequests.Result r = UpstreamRequests.build(OPENAI, new Route(0, null), HttpMethods.GET, "/v1/files?x=%zz|{", HEADERS,
                Optional.empty(), json("{}"), Optional.empty());
        UpstreamRequests.Result.Unroutable un = assertInstanceOf(UpstreamRequests.Result.Unroutable.class, r);
        assertEquals("invalid_url", un.error().code());
    }

    @Test
    void aPresetsStrippedFieldsLeaveTheBodyForThatUpstreamOnlyAndOnlyForItsModels() throws Exception {
        modrelay.config.UpstreamEndpoint e = openai("deepseek", 0, 1, "*");
        modrelay.config.UpstreamEndpoint stripping = new modrelay.config.UpstreamEndpoint(e.name(), e.kind(), e.origin(),
                e.apiRoot(), e.keys(), e.models(), 1, 0, "", true,
                List.of(new modrelay.config.FieldStrip("deepseek-reasoner*", List.of("logprobs", "top_logprobs"))));
        Upstream u = new Upstream(0, stripping, Optional.empty());
        String reasoner = "{\"model\":\"deepseek-reasoner\",\"logprobs\":true,\"top_logprobs\":2,\"messages\":[]}";
        HttpRequest r = built(u, new Route(0, "deepseek-reasoner"), "/v1/chat/completions", Optional.empty(), json(reasoner),
                Optional.of("deepseek-reasoner"));
        assertFalse(JSON.readTree(body(r)).has("logprobs"));
        assertFalse(JSON.readTree(body(r)).has("top_logprobs"));
        String chat = "{\"model\":\"deepseek-chat\",\"logprobs\":true}";
        HttpRequest c = built(u, new Route(0, "deepseek-chat"), "/v1/chat/completions", Optional.empty(), json(chat),
                Optional.of("deepseek-chat"));
        assertEquals(chat, body(c), "another model of the same upstream keeps its fields, byte for byte");
        HttpRequest plain = built(OPENAI, new Route(0, "deepseek-reasoner"), "/v1/chat/completions", Optional.empty(),
                json(reasoner), Optional.of("deepseek-reasoner"));
        assertTrue(JSON.readTree(body(plain)).has("logprobs"), "an upstream without the rule gets them");
    }
}
