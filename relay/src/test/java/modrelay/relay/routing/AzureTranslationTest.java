package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AzureTranslationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String path(String pathAndQuery, String deployment) {
        AzurePaths.Result r = AzurePaths.translate(pathAndQuery, Optional.ofNullable(deployment), "2024-10-21");
        return ((AzurePaths.Result.Path) r).pathAndQuery();
    }

    @Test
    void openAiPathsBecomeDeploymentPaths() {
        assertEquals("/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21", path("/v1/chat/completions", "prod-4o"));
        assertEquals("/openai/deployments/emb/embeddings?api-version=2024-10-21", path("/v1/embeddings", "emb"));
        assertEquals("/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21",
                path("/v1/audio/transcriptions", "whisper"));
        assertEquals("/openai/deployments/tts/audio/speech?api-version=2024-10-21&x=1", path("/v1/audio/speech?x=1", "tts"));
        assertEquals("/openai/deployments/my%20dep/completions?api-version=2024-10-21", path("/v1/completions", "my dep"));
    }

    @Test
    void pathsWithoutADeploymentGoUnderOpenai() {
        assertEquals("/openai/files?api-version=2024-10-21&purpose=batch", path("/v1/files?purpose=batch", null));
        assertEquals("/openai/batches/b1?api-version=2024-10-21", path("/v1/batches/b1", null));
    }

    @Test
    void azurePathsOfTheClientPassWithTheirOwnApiVersion() {
        assertEquals("/openai/deployments/d/chat/completions?api-version=2024-02-01",
                path("/openai/deployments/d/chat/completions?api-version=2024-02-01", null));
        assertEquals("/openai/deployments/d/chat/completions?api-version=2024-10-21&foo=bar",
                path("/openai/deployments/d/chat/completions?foo=bar", null));
        assertEquals(Optional.of("d x"), AzurePaths.deploymentOf("/openai/deployments/d%20x/chat/completions?api-version=1"));
        assertEquals(Optional.empty(), AzurePaths.deploymentOf("/openai/files"));
    }

    @Test
    void aDeploymentEndpointWithoutModelCannotBeTranslated() {
        assertInstanceOf(AzurePaths.Result.Unsupported.class, AzurePaths.translate("/v1/chat/completions", Optional.empty(), "v"));
    }

    private static JsonNode normalized(int status, String body) throws Exception {
        return JSON.readTree(AzureErrors.normalize(status, body.getBytes(StandardCharsets.UTF_8))).get("error");
    }

    @Test
    void aBlockedPromptComesBackInOpenAiShapeWithTheFilterResults() throws Exception {
        JsonNode e = normalized(400, """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                "type":null,"param":"prompt","code":"content_filter","status":400,
                "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}""");
        assertTrue(e.get("message").asText().startsWith("The response was filtered"));
        assertEquals("invalid_request_error", e.get("type").asText());
        assertEquals("prompt", e.get("param").asText());
        assertEquals("content_filter", e.get("code").asText());
        assertTrue(e.path("innererror").path("content_filter_result").path("hate").path("filtered").asBoolean());
        assertFalse(e.has("status"));
    }

    @Test
    void gatewayAndPlainErrorsGetEveryField() throws Exception {
        JsonNode auth = normalized(401, "{\"statusCode\":401,\"message\":\"Access denied due to invalid subscription key.\"}");
        assertEquals("Access denied due to invalid subscription key.", auth.get("message").asText());
        assertEquals("authentication_error", auth.get("type").asText());
        assertTrue(auth.get("param").isNull());
        assertEquals("invalid_api_key", auth.get("code").asText());

        JsonNode limited = normalized(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests have exceeded the rate limit.\"}}");
        assertEquals("429", limited.get("code").asText());
        assertEquals("rate_limit_error", limited.get("type").asText());

        JsonNode html = normalized(502, "<html>Bad Gateway</html>");
        assertEquals("Azure OpenAI answered 502: <html>Bad Gateway</html>", html.get("message").asText());
        assertEquals("server_error", html.get("type").asText());
        assertTrue(html.has("code"));
    }
}
