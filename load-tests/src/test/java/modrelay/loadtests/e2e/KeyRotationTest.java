package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Server-side upstream keys: rotation, cooldown after 429, quarantine after 401 and the admin API's view of it. */
class KeyRotationTest {
    @RegisterExtension
    final RelayFixture relays = RelayFixture.scope();
    private RunningRelay relay;

    private List<String> keysSeen() {
        return relay.upstream().requests().stream().map(r -> r.header("authorization")).toList();
    }

    @Test
    void aKeyAnswered429IsRetriedOnceOnTheNextKeyAndThenRests() {
        relay = relays.start(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                .withStatusForKey("sk-limited", 429).withRetryAfterSeconds(60))
                .env("OPENAI_KEY", "sk-limited,sk-healthy", "PROXY_KEY", "pk"));
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("ignored:pk").baseUrl(relay.v1()).maxRetries(0).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:rotated.").build();
        ChatCompletion first = client.chat().completions().create(params);
        assertEquals("rotated.", first.choices().get(0).message().content().orElseThrow());
        assertEquals(List.of("Bearer sk-limited", "Bearer sk-healthy"), keysSeen());
        // The limited key is cooling for 60 s: the next requests go straight to the healthy one.
        client.chat().completions().create(params);
        client.chat().completions().create(params);
        assertEquals(List.of("Bearer sk-limited", "Bearer sk-healthy", "Bearer sk-healthy", "Bearer sk-healthy"), keysSeen());
    }

    @Test
    void whenEveryKeyIsCoolingTheClientGets429WithRetryAfter() throws Exception {
        relay = relays.start(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                .withStatusForKey("sk-only", 429).withRetryAfterSeconds(30)).env("OPENAI_KEY", "sk-only"));
        HttpResponse<String> first = TestHttp.post(relay.v1() + "/chat/completions", null, TestHttp.chatBody("x.", false));
        assertEquals(429, first.statusCode()); // the upstream's own 429, relayed
        // The pool learns asynchronously; the key is cooling once the relay says so.
        HttpResponse<String> second = awaitRelay429();
        assertEquals("rate_limit_exceeded", TestHttp.error(second).get("code").asText());
        long retryAfter = Long.parseLong(second.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertEquals(1, relay.upstream().requests().size(), "a cooling key is not sent upstream");
    }

    private HttpResponse<String> awaitRelay429() throws Exception {
        // At most a handful of attempts: the KeyPool actor processes the report within microseconds.
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = TestHttp.post(relay.v1() + "/chat/completions", null, TestHttp.chatBody("x.", false));
            if (r.statusCode() == 429 && !r.headers().firstValue("retry-after").orElse("").isEmpty()
                    && r.body().contains("Every upstream key")) {
                return r;
            }
        }
        throw new AssertionError("the relay never answered for a cooling key");
    }

    @Test
    void aKeyAnswered401IsQuarantinedTheAdminApiSaysWhyAndCanReenableIt(@TempDir Path data) throws Exception {
        relay = relays.start(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                .withStatusForKey("sk-revoked-0000000001", 401)).env("OPENAI_KEY", "sk-revoked-0000000001,sk-good-00000000002",
                "PROXY_KEY", "pk-0123456789abcdef", "ADMIN_TOKEN", ADMIN, "DATA_DIR", data.toString()));
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("unused:pk-0123456789abcdef").baseUrl(relay.v1())
                .maxRetries(0).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:fine.").build();
        for (int i = 0; i < 4; i++) client.chat().completions().create(params);
        long revokedUses = keysSeen().stream().filter("Bearer sk-revoked-0000000001"::equals).count();
        assertEquals(1, revokedUses, "a rejected key is used once, then kept out: " + keysSeen());

        HttpResponse<String> list = TestHttp.get(relay.baseUrl() + "/admin/upstream-keys", "Bearer " + ADMIN);
        assertEquals(200, list.statusCode(), list.body());
        JsonNode keys = TestHttp.json(list.body()).get("data");
        assertEquals(2, keys.size(), list.body());
        assertEquals("key-1", keys.get(0).get("key").asText());
        assertEquals("default", keys.get(0).get("upstream").asText());
        assertEquals("quarantined", keys.get(0).get("state").asText());
        assertTrue(keys.get(0).get("reason").asText().contains("401"), list.body());
        assertTrue(Instant.parse(keys.get(0).get("until").asText()).isAfter(Instant.now()), "the next probe is ahead");
        assertEquals("active", keys.get(1).get("state").asText());
        assertTrue(keys.get(1).get("reason").isNull());
        assertFalse(list.body().contains("sk-"), "no key, no fingerprint: " + list.body());
        assertFalse(list.body().contains("0001"), list.body());

        assertEquals(401, TestHttp.post(relay.baseUrl() + "/admin/upstream-keys/default/key-1/enable", "Bearer wrong-token-0000000", "").statusCode());
        assertEquals(404, TestHttp.post(relay.baseUrl() + "/admin/upstream-keys/default/key-9/enable", "Bearer " + ADMIN, "").statusCode());
        HttpResponse<String> enabled = TestHttp.post(relay.baseUrl() + "/admin/upstream-keys/default/key-1/enable", "Bearer " + ADMIN, "");
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertEquals("active", TestHttp.json(enabled.body()).get("state").asText());
        // Back in rotation: the next requests use it again (the fake still refuses it, so it goes back into quarantine).
        for (int i = 0; i < 2; i++) client.chat().completions().create(params);
        assertEquals(2, keysSeen().stream().filter("Bearer sk-revoked-0000000001"::equals).count(), keysSeen().toString());
    }

    private static final String ADMIN = "admin-token-0123456789";
}
