package modrelay.relay.errors;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one error shape clients get: {@code {"error":{"message","type","param","code"}}}, as the
 * OpenAI API sends it, so the official SDKs raise their own typed exceptions (401 →
 * AuthenticationError, 429 → RateLimitError, …). Messages never contain a secret.
 */
public record OpenAiError(StatusCode status, String message, String type, String code) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static OpenAiError badJson(String detail) {
        return new OpenAiError(StatusCodes.BAD_REQUEST,
                "We could not parse the JSON body of your request. (" + detail + ")", "invalid_request_error", "invalid_json");
    }

    public static OpenAiError invalidParameter(String message, String code) {
        return new OpenAiError(StatusCodes.BAD_REQUEST, message, "invalid_request_error", code);
    }

    public static OpenAiError badProxyKey() {
        return new OpenAiError(StatusCodes.UNAUTHORIZED,
                "Incorrect or missing proxy key. Send 'Authorization: Bearer <api key>:<proxy key>' "
                        + "(or the proxy key alone when the relay holds the upstream keys).",
                "invalid_request_error", "invalid_api_key");
    }

    public static OpenAiError tooLarge(long limit) {
        return new OpenAiError(StatusCodes.PAYLOAD_TOO_LARGE,
                "Request body is larger than this relay accepts (" + limit + " bytes).", "invalid_request_error",
                "request_too_large");
    }

    public static OpenAiError allKeysCooling(long retryAfterSeconds) {
        return new OpenAiError(StatusCodes.TOO_MANY_REQUESTS,
                "Every upstream key is rate limited; retry after " + retryAfterSeconds + "s.", "rate_limit_exceeded",
                "rate_limit_exceeded");
    }

    public static OpenAiError noUsableKey() {
        return new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE,
                "No upstream key is usable: the upstream rejected all of them. The operator has been told in the log.",
                "server_error", "upstream_keys_rejected");
    }

    public static OpenAiError upstreamTimeout(String what) {
        return new OpenAiError(StatusCodes.GATEWAY_TIMEOUT, "The upstream did not answer in time (" + what + ").",
                "server_error", "upstream_timeout");
    }

    public static OpenAiError upstreamUnreachable(String detail) {
        return new OpenAiError(StatusCodes.BAD_GATEWAY, "Could not reach the upstream: " + detail, "server_error",
                "upstream_unreachable");
    }

    public static OpenAiError internal(String detail) {
        return new OpenAiError(StatusCodes.INTERNAL_SERVER_ERROR, "The relay failed: " + detail, "server_error",
                "relay_error");
    }

    public static OpenAiError notFound(String path) {
        return new OpenAiError(StatusCodes.NOT_FOUND, "Unknown request URL: " + path, "invalid_request_error",
                "unknown_url");
    }

    public static OpenAiError shuttingDown() {
        return new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The relay is shutting down; retry on another instance.",
                "server_error", "shutting_down");
    }

    /** The JSON body alone (also used inside SSE error events). */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("param");
        err.put("code", code);
        return root.toString();
    }

    public HttpResponse response() {
        return HttpResponse.create()
                .withStatus(status)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json()));
    }

    public HttpResponse response(long retryAfterSeconds) {
        return response().addHeader(RawHeader.create("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
