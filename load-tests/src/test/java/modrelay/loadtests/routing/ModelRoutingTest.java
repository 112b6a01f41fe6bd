package modrelay.loadtests.routing;

import static modrelay.loadtests.fixture.TestHttp.chat;
import static modrelay.loadtests.fixture.TestHttp.error;
import static modrelay.loadtests.fixture.TestHttp.json;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream.RecordedRequest;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two OpenAI-shaped upstreams behind one relay, picked by the request's model. */
class ModelRoutingTest {
    private FakeUpstream openai;
    private FakeUpstream deepseek;
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private RunningRelay relay;

    @BeforeEach
    void start() {
        openai = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults()));
        deepseek = relays.own(FakeUpstream.start(FakeUpstream.Options.defaults()));
        relay = relays.start(RelaySpec.withoutFakes().env(Map.of("PROXY_KEY", "pk", "UPSTREAMS", """
                [{"name":"openai","url":"%s/v1","keys":["sk-openai"],"models":["gpt-4o*","text-embedding-3-small"]},
                 {"name":"deepseek","url":"%s","keys":["sk-deepseek"],
                  "models":[{"deepseek-chat":"deepseek-v3"},{"ds-embed":"text-embedding-3-small"}]}]"""
                .formatted(openai.baseUrl(), deepseek.baseUrl()))));
    }

    private static List<RecordedRequest> posts(FakeUpstream u) {
        return u.requests().stream().filter(r -> r.method().equals("POST")).toList();
    }

    private OpenAIClient client() {
        return OpenAIOkHttpClient.builder().apiKey("pk").baseUrl(relay.v1()).maxRetries(0).build();
    }

    @Test
    void eachModelGoesToTheUpstreamThatServesItUnderItsUpstreamName() throws Exception {
        OpenAIClient client = client();
        ChatCompletion gpt = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("say:from openai.").build());
        assertEquals("from openai.", gpt.choices().get(0).message().content().orElseThrow());
        ChatCompletion ds = client.chat().completions().create(ChatCompletionCreateParams.builder().model("deepseek-chat")
                .addUserMessage("say:from deepseek.").build());
        assertEquals("from deepseek.", ds.choices().get(0).message().content().orElseThrow());

        assertEquals(1, posts(openai).size());
        assertEquals("Bearer sk-openai", posts(openai).get(0).header("authorization"));
        assertEquals("gpt-4o-mini", json(posts(openai).get(0).bodyText()).get("model").asText());
        RecordedRequest toDeepseek = posts(deepseek).get(0);
        assertEquals("/v1/chat/completions", toDeepseek.path());
        assertEquals("Bearer sk-deepseek", toDeepseek.header("authorization"));
        assertEquals("deepseek-v3", json(toDeepseek.bodyText()).get("model").asText(), "renamed for the upstream");
        assertEquals("from deepseek.", json(toDeepseek.bodyText()).get("messages").get(0).get("content").asText().substring(4));
    }

    @Test
    void embeddingsAreRoutedAndRenamedToo() {
        OpenAIClient client = client();
        client.embeddings().create(EmbeddingCreateParams.builder().model("ds-embed").input("hello").build());
        client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hello").build());
        assertEquals(1, posts(deepseek).size());
        assertEquals("text-embedding-3-small", postedModel(posts(deepseek).get(0)));
        assertEquals(1, posts(openai).size());
        assertEquals("/v1/embeddings", posts(openai).get(0).path());
    }

    private static String postedModel(RecordedRequest r) {
        try {
            return json(r.bodyText()).get("model").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aModelNoUpstreamServesIsA404ModelNotFound() throws Exception {
        HttpResponse<String> r = relay.post("/v1/chat/completions", chat("claude-3-7-sonnet", "x.", false), "Authorization", "Bearer pk");
        assertEquals(404, r.statusCode());
        assertEquals("model_not_found", error(r).get("code").asText());
        assertTrue(error(r).get("message").asText().contains("claude-3-7-sonnet"));
        assertTrue(posts(openai).isEmpty() && posts(deepseek).isEmpty(), "nothing went upstream");
    }

    @Test
    void requestsWithoutAModelGoToTheFirstUpstream() throws Exception {
        HttpResponse<String> r = relay.get("/v1/files", "Authorization", "Bearer pk");
        assertEquals(404, r.statusCode(), "the fake has no GET /v1/files; what matters is where it went");
        assertTrue(openai.requests().stream().anyMatch(q -> q.method().equals("GET") && q.path().equals("/v1/files")));
        assertTrue(deepseek.requests().stream().noneMatch(q -> q.path().equals("/v1/files")));
    }

    @Test
    void theRelayAnswersModelsWithTheUnionWithoutAskingTheUpstreamsEachTime() throws Exception {
        // The background refresh at start lists the openai upstream (the fake lists gpt-4o-mini, gpt-4o, o3-mini, ...).
        relay.server().routing().when(state -> state.modelIds().contains("gpt-4o")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> ids = modelIds();
        assertTrue(ids.containsAll(List.of("gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "deepseek-chat", "ds-embed")), ids.toString());
        assertFalse(ids.contains("o3-mini"), "listed by the upstream but not configured for it: " + ids);
        assertFalse(ids.contains("deepseek-v3"), "offered under its configured name: " + ids);
        assertFalse(ids.contains("gpt-4o*"), "globs are not model names");

        for (int i = 0; i < 5; i++) modelIds();
        // Six answers, and each upstream listed at most once: by the start-up refresh (deepseek's may still be on
        // its way, so the count is a bound, not a before/after difference).
        assertTrue(modelListCalls(openai) <= 1 && modelListCalls(deepseek) <= 1,
                "GET /v1/models never calls the upstreams: " + modelListCalls(openai) + ", " + modelListCalls(deepseek));

        HttpResponse<String> one = relay.get("/v1/models/deepseek-chat", "Authorization", "Bearer pk");
        assertEquals(200, one.statusCode());
        assertEquals("deepseek", json(one.body()).get("owned_by").asText());
        HttpResponse<String> missing = relay.get("/v1/models/o3-mini", "Authorization", "Bearer pk");
        assertEquals(404, missing.statusCode());
        assertEquals("model_not_found", error(missing).get("code").asText());

        assertEquals(401, relay.get("/v1/models").statusCode(), "the proxy key still guards the list");
        // The official client reads the list.
        List<String> viaClient = new ArrayList<>();
        client().models().list().autoPager().forEach(m -> viaClient.add(m.id()));
        assertEquals(ids, viaClient);
    }

    private static long modelListCalls(FakeUpstream fake) {
        return fake.requests().stream().filter(r -> r.path().equals("/v1/models")).count();
    }

    private List<String> modelIds() {
        try {
            HttpResponse<String> r = relay.get("/v1/models", "Authorization", "Bearer pk");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode list = json(r.body());
            assertEquals("list", list.get("object").asText());
            List<String> out = new ArrayList<>();
            list.get("data").forEach(m -> out.add(m.get("id").asText()));
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
