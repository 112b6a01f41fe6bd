package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The fake upstream's Azure OpenAI mode ({@link FakeUpstream.Options#withAzure}): it answers
 * {@code /openai/deployments/<deployment>/<endpoint>?api-version=…} with the {@code api-key}
 * header the way Azure does, and nothing under {@code /v1}.
 * <ul>
 *   <li>no {@code api-version}, or an unknown path: 404 {@code {"error":{"code":"404","message":"Resource not found"}}};</li>
 *   <li>a wrong or missing {@code api-key}: 401 {@code {"statusCode":401,"message":…}} (Azure's gateway shape);</li>
 *   <li>an unknown deployment: 404 {@code DeploymentNotFound};</li>
 *   <li>a prompt containing {@link #BLOCKED_PROMPT}: 400 {@code code:"content_filter"} with {@code innererror};</li>
 *   <li>{@code x-fake-status} (or a status for the {@code api-key} in {@code statusByKey}): Azure-shaped errors;</li>
 *   <li>streams start with a {@code prompt_filter_results} chunk with empty {@code choices};
 *       {@code x-fake-azure-filter-after-tokens: n} ends a stream after n tokens with
 *       {@code finish_reason:"content_filter"}, as Azure's output filter does.</li>
 * </ul>
 *
 * @param apiKey      the key requests must carry in {@code api-key}; empty accepts any
 * @param deployments deployment name → model it runs (echoed as {@code model}); empty accepts any deployment
 */
public record FakeAzure(Optional<String> apiKey, Map<String, String> deployments) {
    /** A prompt containing this is refused by the fake's input filter. */
    public static final String BLOCKED_PROMPT = "azure-blocked-prompt";
    static final String FILTER_AFTER_TOKENS = "x-fake-azure-filter-after-tokens";

    public FakeAzure {
        deployments = Map.copyOf(deployments);
    }

    public static FakeAzure of(String apiKey, Map<String, String> deployments) {
        return new FakeAzure(Optional.of(apiKey), deployments);
    }

    static CompletionStage<HttpResponse> answer(FakeAzure azure, HttpRequest request, byte[] body, Map<String, Integer> statusByKey,
                                                int retryAfterSeconds, Function<String, CompletionStage<HttpResponse>> openAi) {
        String path = request.getUri().path();
        Optional<String> version = request.getUri().query().get("api-version");
        if (version.isEmpty() || !path.startsWith("/openai/")) return done(FakeAzureReplies.resourceNotFound());
        Optional<String> key = request.getHeader("api-key").map(HttpHeader::value);
        if (azure.apiKey().isPresent() && !key.equals(azure.apiKey())) return done(FakeAzureReplies.accessDenied());
        Integer forced = forcedStatus(request, key, statusByKey);
        if (forced != null) return done(FakeAzureReplies.forStatus(forced, retryAfterSeconds));
        if (request.method().value().equals("GET") && path.equals("/openai/models")) return openAi.apply("/v1/models");

        String prefix = "/openai/deployments/";
        if (!path.startsWith(prefix)) return done(FakeAzureReplies.resourceNotFound());
        int slash = path.indexOf('/', prefix.length());
        if (slash < 0) return done(FakeAzureReplies.resourceNotFound());
        String deployment = path.substring(prefix.length(), slash);
        String endpoint = path.substring(slash);
        if (!azure.deployments().isEmpty() && !azure.deployments().containsKey(deployment)) {
            return done(FakeAzureReplies.deploymentNotFound());
        }
        if (!request.method().value().equals("POST")) return done(FakeAzureReplies.resourceNotFound());
        switch (endpoint) {
            case "/chat/completions", "/completions", "/embeddings", "/audio/speech" -> { }
            default -> {
                return done(FakeAzureReplies.resourceNotFound());
            }
        }
        if (endpoint.endsWith("completions") && new String(body, java.nio.charset.StandardCharsets.UTF_8).contains(BLOCKED_PROMPT)) {
            return done(FakeAzureReplies.promptFiltered());
        }
        int filterAfter = request.getHeader(FILTER_AFTER_TOKENS).map(h -> Integer.parseInt(h.value().trim())).orElse(-1);
        String model = azure.deployments().getOrDefault(deployment, deployment);
        return openAi.apply("/v1" + endpoint).thenApply(r -> FakeAzureReplies.azureShaped(r, endpoint, model, filterAfter));
    }

    private static Integer forcedStatus(HttpRequest request, Optional<String> key, Map<String, Integer> statusByKey) {
        Optional<HttpHeader> header = request.getHeader("x-fake-status");
        if (header.isPresent()) {
            try {
                return Integer.parseInt(header.get().value().trim());
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return key.map(statusByKey::get).orElse(null);
    }

    private static CompletionStage<HttpResponse> done(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    static HttpResponse withRetryAfter(HttpResponse r, int seconds) {
        return r.addHeader(RawHeader.create("Retry-After", Integer.toString(seconds)));
    }
}
