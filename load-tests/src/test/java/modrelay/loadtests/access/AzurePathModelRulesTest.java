package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeAzure;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A sub-key limited to some models, used by a client that speaks Azure paths itself
 * ({@code /openai/deployments/<deployment>/...}, no {@code model} in the body): the deployment counts as the
 * model (the one UPSTREAMS maps to it, else its own name), so the key reaches only the deployments of its models.
 */
class AzurePathModelRulesTest {
    private static final String TOKEN = "admin-token-0123456789abcdef";
    private static final String VERSION = "?api-version=2024-10-21";

    // The fake serves every deployment asked for below: a request the relay let through would succeed there.
    @RegisterExtension
    static final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                    .withTokenInterval(Duration.ZERO)
                    .withAzure(FakeAzure.of("az-key", Map.of("prod-gpt4o", "gpt-4o-2024-08-06", "legacy-35", "gpt-35-turbo",
                            "other", "gpt-35-turbo"))))
            .envWithUpstreamUrl("UPSTREAMS", url -> """
                    [{"name":"azure","kind":"azure","url":"%s","keys":["az-key"],"api-version":"2024-10-21",
                      "models":{"gpt-4o":"prod-gpt4o","gpt-35":"legacy-35"}}]""".formatted(url))
            .env("ADMIN_TOKEN", TOKEN, "SUBKEY_REFRESH", "0"));
    private static String secret;
    private static final AccessLines ACCESS = new AccessLines();

    @BeforeAll
    static void start() throws Exception {
        HttpResponse<String> created = TestHttp.call("POST", relay.baseUrl() + "/admin/keys", "Bearer " + TOKEN,
                "{\"name\":\"azure-4o\",\"allowed_models\":[\"gpt-4o*\"]}");
        assertEquals(201, created.statusCode(), created.body());
        secret = TestHttp.body(created).get("key").asText();
        ACCESS.start();
    }

    @AfterAll
    static void stop() {
        ACCESS.stop();
    }

    /** A chat completion as an Azure client sends it: the sub-key in {@code api-key}, the deployment in the path. */
    private static HttpResponse<String> azureChat(String deployment, String body, String requestId) throws Exception {
        return TestHttp.call("POST", relay.baseUrl() + "/openai/deployments/" + deployment + "/chat/completions" + VERSION, null, body,
                "api-key", secret, "X-Request-Id", requestId);
    }

    private static String noModel(String reply) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + TestHttp.JSON.valueToTree("say:" + reply) + "}]}";
    }

    private static void assertModelDenied(HttpResponse<String> r, String model) throws Exception {
        JsonNode e = TestHttp.error(r, 403);
        assertEquals("model_not_allowed", e.get("code").asText(), r.body());
        assertTrue(e.get("message").asText().contains("'" + model + "'"), "names the model the deployment counts as: " + r.body());
        assertTrue(e.get("message").asText().contains("allowed_models"), r.body());
    }

    @Test
    void theDeploymentOfAnAllowedModelAnswers() throws Exception {
        CompletableFuture<String> logged = ACCESS.lineFor("azure-allowed-1");
        HttpResponse<String> ok = azureChat("prod-gpt4o", noModel("Hello there."), "azure-allowed-1");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("Hello there.", TestHttp.body(ok).at("/choices/0/message/content").asText());

        FakeUpstream.RecordedRequest sent = last();
        assertEquals("/openai/deployments/prod-gpt4o/chat/completions" + VERSION, sent.path(), "the path goes to Azure as it is");
        assertEquals("az-key", sent.header("api-key"), "Azure sees the server's key, never the sub-key");
        assertFalse(TestHttp.JSON.readTree(sent.bodyText()).has("model"), "the body goes as the client sent it: " + sent.bodyText());
        // The access log names the model the deployment counts as (logs only: routing follows the path).
        String line = logged.get(10, TimeUnit.SECONDS);
        assertTrue(line.contains(" model=gpt-4o ") && line.contains(" status=200 "), line);
        assertFalse(line.contains(secret), "no secret in the log");
    }

    @Test
    void theDeploymentOfAnotherModelIsRefusedBeforeAnythingIsSent() throws Exception {
        int before = relay.upstream().requests().size();
        CompletableFuture<String> logged = ACCESS.lineFor("azure-refused-1");
        assertModelDenied(azureChat("legacy-35", noModel("Hi."), "azure-refused-1"), "gpt-35");
        // A model in the body does not launder the path: Azure runs the deployment, whatever the body says.
        assertModelDenied(azureChat("legacy-35", TestHttp.chat("gpt-4o", "Hi."), "azure-refused-2"), "gpt-35");
        // A deployment the configuration does not map counts as its own name.
        assertModelDenied(azureChat("other", noModel("Hi."), "azure-refused-3"), "other");
        // Any method: a GET of a refused deployment is refused as well (no such endpoint exists: the key may not use it).
        HttpResponse<String> get = TestHttp.send(TestHttp.request(relay.baseUrl() + "/openai/deployments/legacy-35" + VERSION, null, "api-key",
                secret).GET());
        assertEquals(403, get.statusCode(), get.body());
        assertEquals("endpoint_not_allowed", TestHttp.body(get).at("/error/code").asText(), get.body());

        assertEquals(before, relay.upstream().requests().size(), "the fake Azure received none of them: " + relay.upstream().requests());
        assertTrue(logged.get(10, TimeUnit.SECONDS).contains(" status=403 "));
    }

    @Test
    void otherSpellingsOfAnAzurePathAreReadAsTheirDeploymentOrRefused() throws Exception {
        int before = relay.upstream().requests().size();
        // Doubled slashes and case are one canonical path: the deployment in it is checked like any other.
        for (String odd : new String[] {"/openai//deployments/legacy-35", "/OpenAI/Deployments/legacy-35",
                "//openai/deployments//legacy-35/"}) {
            HttpResponse<String> r = TestHttp.call("POST", relay.baseUrl() + odd + "/chat/completions" + VERSION, null, noModel("Hi."),
                    "api-key", secret);
            assertEquals(403, r.statusCode(), odd + " -> " + r.body());
            assertEquals("model_not_allowed", TestHttp.body(r).at("/error/code").asText(), r.body());
        }
        // An encoded slash could hide a deployment from one reader and not another: no one gets that path.
        HttpResponse<String> hidden = TestHttp.call("POST", relay.baseUrl() + "/openai/deployments/gpt-4o%2F..%2Flegacy-35/chat/completions"
                + VERSION, null, noModel("Hi."), "api-key", secret);
        assertEquals(400, hidden.statusCode(), hidden.body());
        assertEquals("invalid_path", TestHttp.body(hidden).at("/error/code").asText(), hidden.body());
        assertEquals(before, relay.upstream().requests().size(), "the fake Azure received none of them: " + relay.upstream().requests());
    }

    @Test
    void aFormOnARefusedDeploymentIsRefusedWithoutReachingAzure() throws Exception {
        int before = relay.upstream().requests().size();
        byte[] audio = new byte[100_000];
        // Its own 'model' field names an allowed model: the deployment in the path decides all the same.
        HttpResponse<String> r = upload("legacy-35", audio, "gpt-4o");
        assertModelDenied(r, "gpt-35");
        assertEquals(before, relay.upstream().requests().size(), "the fake Azure received no part of the form: " + relay.upstream().requests());
    }

    private static FakeUpstream.RecordedRequest last() {
        List<FakeUpstream.RecordedRequest> all = relay.upstream().requests();
        assertFalse(all.isEmpty(), "nothing reached the fake Azure");
        return all.get(all.size() - 1);
    }

    private static HttpResponse<String> upload(String deployment, byte[] file, String model) throws Exception {
        String boundary = "azure-path-boundary-7";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return TestHttp.send(TestHttp.request(relay.baseUrl() + "/openai/deployments/" + deployment + "/audio/transcriptions" + VERSION,
                null, "api-key", secret, "Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    /** The relay's access log lines, each handed to whoever waits for its request id (no polling). */
    private static final class AccessLines extends AppenderBase<ILoggingEvent> {
        private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

        CompletableFuture<String> lineFor(String requestId) {
            return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        }

        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getFormattedMessage() + " ";
            int at = line.indexOf(" request_id=");
            if (at < 0) return;
            String id = line.substring(at + " request_id=".length(), line.indexOf(' ', at + 1));
            lineFor(id).complete(line);
        }

        @Override
        public void start() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            setContext(context);
            super.start();
            context.getLogger("modrelay.access").addAppender(this);
        }

        @Override
        public void stop() {
            ((Logger) LoggerFactory.getLogger("modrelay.access")).detachAppender(this);
            super.stop();
        }
    }
}
