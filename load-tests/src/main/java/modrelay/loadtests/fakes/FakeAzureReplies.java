package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Azure OpenAI's shapes: its error bodies, and the content-filter annotations it adds to OpenAI replies. */
final class FakeAzureReplies {
    private static final String SAFE = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}";
    private static final String FILTERED = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}";

    private FakeAzureReplies() {}

    static HttpResponse resourceNotFound() {
        return FakeUpstreamHttp.json(404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
    }

    static HttpResponse accessDenied() {
        return FakeUpstreamHttp.json(401, "{\"statusCode\":401,\"message\":\"Access denied due to invalid subscription key or wrong "
                + "API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API "
                + "endpoint for your resource.\"}");
    }

    static HttpResponse deploymentNotFound() {
        return FakeUpstreamHttp.json(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for "
                + "this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment "
                + "and try again.\"}}");
    }

    static HttpResponse promptFiltered() {
        return FakeUpstreamHttp.json(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering "
                + "Azure OpenAI's content management policy. Please modify your prompt and retry.\",\"type\":null,"
                + "\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,\"innererror\":{\"code\":"
                + "\"ResponsibleAIPolicyViolation\",\"content_filter_result\":" + FILTERED + "}}}");
    }

    static HttpResponse forStatus(int status, int retryAfterSeconds) {
        if (status == 401) return accessDenied();
        if (status == 429) {
            return FakeAzure.withRetryAfter(FakeUpstreamHttp.json(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the "
                    + "ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit "
                    + "of your current pricing tier. Please retry after " + retryAfterSeconds + " seconds.\"}}"), retryAfterSeconds);
        }
        if (status >= 500) {
            return FakeUpstreamHttp.json(status, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The service is "
                    + "temporarily unable to process your request (fake Azure status " + status + ").\"}}");
        }
        return FakeUpstreamHttp.json(status, "{\"error\":{\"code\":\"" + status + "\",\"message\":\"Request failed (fake Azure status "
                + status + ").\"}}");
    }

    /** Adds Azure's filter results to a successful chat reply; leaves anything else as it is. */
    static HttpResponse azureShaped(HttpResponse reply, String endpoint, String model, int filterAfterTokens) {
        if (!reply.status().isSuccess() || !endpoint.equals("/chat/completions")) return reply;
        HttpEntity entity = reply.entity();
        if (entity.getContentType().mediaType().toString().equals("text/event-stream")) {
            ByteString promptResults = FakeUpstreamHttp.data("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                    + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":" + SAFE + "}]}");
            Source<ByteString, Object> events = entity.getDataBytes();
            if (filterAfterTokens >= 0) {
                // The role chunk, n token chunks, then Azure's output filter ends the choice.
                ByteString cut = FakeUpstreamHttp.data("{\"choices\":[{\"content_filter_results\":" + FILTERED
                        + ",\"delta\":{},\"finish_reason\":\"content_filter\",\"index\":0,\"logprobs\":null}],\"created\":0,"
                        + "\"id\":\"chatcmpl-filtered\",\"model\":" + FakeUpstreamJson.quote(model)
                        + ",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_fake\"}");
                events = events.take(1L + filterAfterTokens).concat(Source.from(List.of(cut, FakeUpstreamHttp.DONE)));
            }
            return reply.withEntity(HttpEntities.createChunked(entity.getContentType(), Source.single(promptResults).concat(events)));
        }
        if (entity instanceof HttpEntity.Strict strict) {
            JsonNode json = FakeUpstreamJson.parseOrNull(strict.getData().toArray());
            if (json instanceof ObjectNode obj) {
                obj.put("model", model);
                ArrayNode prompt = obj.putArray("prompt_filter_results");
                ObjectNode p = prompt.addObject();
                p.put("prompt_index", 0);
                p.set("content_filter_results", FakeUpstreamJson.parseOrNull(SAFE.getBytes()));
                for (JsonNode choice : obj.path("choices")) {
                    ((ObjectNode) choice).set("content_filter_results", FakeUpstreamJson.parseOrNull(SAFE.getBytes()));
                }
                return reply.withEntity(HttpEntities.create(entity.getContentType(), obj.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return reply;
    }
}
