package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import modrelay.relay.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API and sub-keys end to end, on the embedded SQLite store: create → use → usage →
 * limits → revoke, with a clock the test moves for expiry and rate limits.
 */
class AdminApiEndToEndTest {
    static final String TOKEN = "admin-token-0123456789abcdef";
    static final String ADMIN = "Bearer " + TOKEN;

    private static final MutableClock clock = new MutableClock(Instant.parse("2030-06-01T12:00:00Z"));
    @RegisterExtension
    static final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(
                    FakeUpstream.Options.defaults().withTokenInterval(Duration.ZERO))
            .withKeywords("forbiddenword").clock(clock)
            .env("ADMIN_TOKEN", TOKEN, "OPENAI_KEY", "sk-server-side", "PROXY_KEY", "pk-operator", "SUBKEY_REFRESH", "0"));

    static JsonNode create(String json) throws Exception {
        HttpResponse<String> r = TestHttp.call("POST", relay.baseUrl() + "/admin/keys", ADMIN, json);
        assertEquals(201, r.statusCode(), r.body());
        return TestHttp.body(r);
    }

    static HttpResponse<String> chat(String key, String model) throws Exception {
        return TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + key, TestHttp.chat(model, "all good."));
    }

    static JsonNode show(String id) throws Exception {
        HttpResponse<String> r = TestHttp.get(relay.baseUrl() + "/admin/keys/" + id, ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        return TestHttp.body(r);
    }

    @Test
    void withoutTheAdminTokenTheAdminTreeIsNotThere() throws Exception {
        TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/keys", null), 401);
        assertEquals("invalid_admin_token", TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/keys", "Bearer wrong-token-0123456789"),
                401).get("code").asText());
        try (RunningRelay noAdmin = relay.start(RelaySpec.inFrontOf(relay.upstream()).env("PROXY_KEY", "pk").clock(clock))) {
            int before = relay.upstream().requests().size();
            TestHttp.error(TestHttp.get(noAdmin.baseUrl() + "/admin/keys", ADMIN), 404);
            TestHttp.error(TestHttp.call("POST", noAdmin.baseUrl() + "/admin/reload", ADMIN, "{}"), 404);
            assertEquals(before, relay.upstream().requests().size(), "/admin is never relayed upstream");
        }
    }

    @Test
    void createUseShowRevoke() throws Exception {
        JsonNode created = create("{\"name\":\"acme\",\"remaining_requests\":5,\"allowed_models\":[\"gpt-4o*\"]}");
        String secret = created.get("key").asText();
        String id = created.get("id").asText();
        assertTrue(secret.matches("mr-[0-9A-Za-z]{40}"));
        assertEquals("active", created.get("status").asText());
        assertEquals("[\"chat\",\"completions\",\"responses\",\"embeddings\",\"models\",\"audio\"]",
                created.get("allowed_endpoints").toString(), "a new key gets the default endpoint groups");

        // The sub-key alone (the relay holds the upstream key), and in the sk-…:<key> form.
        HttpResponse<String> first = chat(secret, "gpt-4o-mini");
        assertEquals(200, first.statusCode(), first.body());
        FakeUpstream.RecordedRequest seen = relay.upstream().requests().get(relay.upstream().requests().size() - 1);
        assertEquals("Bearer sk-server-side", seen.header("authorization"), "the upstream sees the server's key only");
        clock.advance(Duration.ofSeconds(7));
        assertEquals(200, chat("sk-anything:" + secret, "gpt-4o").statusCode());

        JsonNode usage = show(id);
        assertEquals(2, usage.get("requests_used").asInt());
        assertEquals(3, usage.get("remaining_requests").asInt());
        assertEquals(clock.instant().toString(), usage.get("last_used_at").asText());
        assertFalse(usage.has("key"));

        HttpResponse<String> list = TestHttp.get(relay.baseUrl() + "/admin/keys", ADMIN);
        assertEquals(200, list.statusCode());
        assertFalse(list.body().contains(secret), "the secret is shown once, at creation");
        assertFalse(list.body().contains(secret.substring(3, 30)));
        assertTrue(list.body().contains(id));

        // The proxy key keeps working next to sub-keys.
        assertEquals(200, TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer pk-operator",
                TestHttp.chat("o1", "hi.")).statusCode());

        HttpResponse<String> revoked = TestHttp.call("DELETE", relay.baseUrl() + "/admin/keys/" + id, ADMIN, null);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("revoked", TestHttp.body(revoked).get("status").asText());
        JsonNode e = TestHttp.error(chat(secret, "gpt-4o"), 401);
        assertEquals("subkey_revoked", e.get("code").asText());
        assertEquals(2, show(id).get("requests_used").asInt());
        TestHttp.error(chat("mr-" + "x".repeat(40), "gpt-4o"), 401);
    }

    @Test
    void modelRulesApplyToJsonAndToFormsWhereverTheModelFieldIs() throws Exception {
        // Uploads are in the files group, which a key has only when granted.
        JsonNode k = create("{\"name\":\"models\",\"allowed_models\":[\"gpt-4o*\",\"whisper-1\"],\"denied_models\":[\"gpt-4o-audio*\"],"
                + "\"allowed_endpoints\":[\"chat\",\"embeddings\",\"files\",\"audio\"]}");
        assertEquals("[\"chat\",\"embeddings\",\"files\",\"audio\"]", k.get("allowed_endpoints").toString());
        String secret = k.get("key").asText();
        JsonNode denied = TestHttp.error(chat(secret, "gpt-4o-audio-preview"), 403);
        assertEquals("model_not_allowed", denied.get("code").asText());
        assertTrue(denied.get("message").asText().contains("denied_models: gpt-4o-audio*"), denied.toString());
        assertTrue(TestHttp.error(chat(secret, "o1"), 403).get("message").asText().contains("allowed_models"));
        TestHttp.error(TestHttp.call("POST", relay.v1() + "/embeddings", "Bearer " + secret,
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"), 403);
        assertEquals(0, show(k.get("id").asText()).get("requests_used").asInt(), "refused requests use nothing");

        byte[] file = new byte[300_000];
        Arrays.fill(file, (byte) 'a');
        int filesBefore = filesUploaded();
        HttpResponse<String> late = upload(secret, file, "gpt-4o-audio-preview", false);
        assertEquals(403, late.statusCode(), late.body());
        assertEquals("model_not_allowed", TestHttp.error(late, 403).get("code").asText());
        TestHttp.error(upload(secret, file, "o1", true), 403);
        // A form that names no model at all, where the endpoint runs one: the key cannot check it, so it is refused.
        HttpResponse<String> unnamed = uploadTo("/audio/transcriptions", secret, file);
        assertEquals(403, unnamed.statusCode(), unnamed.body());
        assertEquals("model_required", TestHttp.error(unnamed, 403).get("code").asText());
        assertEquals(filesBefore, filesUploaded(), "a refused form never reaches the upstream whole");

        HttpResponse<String> allowed = upload(secret, file, "whisper-1", false);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(file.length, TestHttp.body(allowed).get("bytes").asInt());
        assertEquals(1, show(k.get("id").asText()).get("requests_used").asInt());
    }

    @Test
    void quotaRunsOutWith429AndFailedUpstreamRequestsAreGivenBack() throws Exception {
        JsonNode k = create("{\"name\":\"quota\",\"remaining_requests\":2}");
        String secret = k.get("key").asText();
        HttpResponse<String> failed = TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + secret,
                TestHttp.chat("gpt-4o", "x."), "x-fake-status", "500");
        assertTrue(failed.statusCode() >= 500, failed.body());
        assertEquals(2, show(k.get("id").asText()).get("remaining_requests").asInt(), "an upstream 5xx uses nothing");
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        JsonNode e = TestHttp.error(chat(secret, "gpt-4o"), 429);
        assertEquals("insufficient_quota", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("remaining_requests"));

        HttpResponse<String> more = TestHttp.call("PATCH", relay.baseUrl() + "/admin/keys/" + k.get("id").asText(), ADMIN,
                "{\"remaining_requests\":1}");
        assertEquals(200, more.statusCode(), more.body());
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        TestHttp.error(chat(secret, "gpt-4o"), 429);
        assertEquals(3, show(k.get("id").asText()).get("requests_used").asInt());
    }

    @Test
    void expiryFollowsTheClock() throws Exception {
        Instant expires = clock.instant().plus(Duration.ofHours(1));
        JsonNode k = create("{\"name\":\"expiring\",\"expires_at\":\"" + expires + "\"}");
        String secret = k.get("key").asText();
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        clock.advance(Duration.ofHours(2));
        JsonNode e = TestHttp.error(chat(secret, "gpt-4o"), 401);
        assertEquals("subkey_expired", e.get("code").asText());
        assertEquals("expired", show(k.get("id").asText()).get("status").asText());
        // Moving the expiry out brings the key back.
        HttpResponse<String> patched = TestHttp.call("PATCH", relay.baseUrl() + "/admin/keys/" + k.get("id").asText(), ADMIN,
                "{\"expires_at\":null}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
    }

    @Test
    void requestsPerMinuteFollowTheClockWithRetryAfter() throws Exception {
        String secret = create("{\"name\":\"rpm\",\"requests_per_minute\":2}").get("key").asText();
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        HttpResponse<String> limited = chat(secret, "gpt-4o");
        JsonNode e = TestHttp.error(limited, 429);
        assertEquals("rate_limit_exceeded", e.get("code").asText());
        assertEquals("30", limited.headers().firstValue("retry-after").orElse(""));
        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, chat(secret, "gpt-4o").statusCode());
        TestHttp.error(chat(secret, "gpt-4o"), 429);
    }

    @Test
    void aModerationFloorHoldsWhateverTheRequestAsks() throws Exception {
        String secret = create("{\"name\":\"kids\",\"moderation_floor\":\"high\"}").get("key").asText();
        String body = "{\"model\":\"gpt-4o\",\"moderation\":false,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"say:the forbiddenword is here.\"}]}";
        HttpResponse<String> floored = TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + secret, body);
        assertEquals(200, floored.statusCode(), floored.body());
        assertFalse(floored.body().contains("forbiddenword"), floored.body());
        HttpResponse<String> operator = TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer pk-operator", body);
        assertTrue(operator.body().contains("forbiddenword"), operator.body());
    }

    @Test
    void badInputIs400NamingTheField() throws Exception {
        for (String[] c : List.of(
                new String[] {"{}", "name"},
                new String[] {"{\"name\":\"x\",\"remaining_requests\":-1}", "remaining_requests"},
                new String[] {"{\"name\":\"x\",\"expires_at\":\"tomorrow\"}", "expires_at"},
                new String[] {"{\"name\":\"x\",\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at"},
                new String[] {"{\"name\":\"x\",\"requests_per_minute\":0}", "requests_per_minute"},
                new String[] {"{\"name\":\"x\",\"allowed_models\":\"gpt-4o\"}", "allowed_models"},
                new String[] {"{\"name\":\"x\",\"moderation_floor\":\"max\"}", "moderation_floor"},
                new String[] {"{\"name\":\"x\",\"colour\":\"red\"}", "colour"})) {
            JsonNode e = TestHttp.error(TestHttp.call("POST", relay.baseUrl() + "/admin/keys", ADMIN, c[0]), 400);
            assertEquals(c[1], e.get("param").asText(), c[0]);
            assertTrue(e.get("message").asText().contains(c[1]), e.toString());
        }
        TestHttp.error(TestHttp.call("POST", relay.baseUrl() + "/admin/keys", ADMIN, "not json"), 400);
        TestHttp.error(TestHttp.call("PATCH", relay.baseUrl() + "/admin/keys/key_nope", ADMIN, "{\"name\":\"y\"}"), 404);
        TestHttp.error(TestHttp.get(relay.baseUrl() + "/admin/keys/key_nope", ADMIN), 404);
        TestHttp.error(TestHttp.call("DELETE", relay.baseUrl() + "/admin/keys/key_nope", ADMIN, null), 404);
    }

    private static int filesUploaded() {
        return (int) relay.upstream().requests().stream().filter(r -> r.path().startsWith("/v1/files")).count();
    }

    /** A form with a file and no model field, streamed (not held whole by the relay). */
    private static HttpResponse<String> uploadTo(String path, String key, byte[] file) throws Exception {
        String boundary = "relay-test-boundary-43";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return TestHttp.send(TestHttp.request(relay.v1() + path, "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    private static HttpResponse<String> upload(String key, byte[] file, String model, boolean modelFirst) throws Exception {
        String boundary = "relay-test-boundary-42";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String modelPart = model == null ? ""
                : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n";
        if (modelFirst) out.writeBytes(modelPart.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        if (!modelFirst) out.writeBytes(modelPart.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return TestHttp.send(TestHttp.request(relay.v1() + "/files", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }
}
