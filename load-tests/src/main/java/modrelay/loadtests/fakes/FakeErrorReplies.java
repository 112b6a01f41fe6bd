package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;

/** OpenAI-shaped error responses: {@code {"error":{"message","type","param","code"}}} with the right status. */
final class FakeErrorReplies {
    private FakeErrorReplies() {}

    static HttpResponse error(int status, String message, String type, String param, String code) {
        String body = "{\"error\":{\"message\":" + FakeUpstreamJson.quote(message)
                + ",\"type\":" + FakeUpstreamJson.quote(type)
                + ",\"param\":" + nullable(param)
                + ",\"code\":" + nullable(code) + "}}";
        return FakeUpstreamHttp.json(status, body);
    }

    /** The error OpenAI would send with this status; a 429 carries {@code Retry-After}. */
    static HttpResponse forStatus(int status, int retryAfterSeconds) {
        HttpResponse response = switch (status) {
            case 400 -> error(status, "Invalid request (fake upstream status 400).", "invalid_request_error", null, null);
            case 401 -> error(status, "Incorrect API key provided (fake upstream status 401).",
                    "invalid_request_error", null, "invalid_api_key");
            case 403 -> error(status, "Country, region, or territory not supported (fake upstream status 403).",
                    "request_forbidden", null, "unsupported_country_region_territory");
            case 404 -> error(status, "The model does not exist or you do not have access to it (fake upstream status 404).",
                    "invalid_request_error", "model", "model_not_found");
            case 429 -> error(status, "Rate limit reached for requests (fake upstream status 429).",
                    "requests", null, "rate_limit_exceeded");
            default -> status >= 500
                    ? error(status, "The server had an error while processing your request (fake upstream status "
                            + status + ").", "server_error", null, null)
                    : error(status, "Request failed (fake upstream status " + status + ").",
                            "invalid_request_error", null, null);
        };
        return status == 429
                ? response.addHeader(RawHeader.create("Retry-After", Integer.toString(retryAfterSeconds)))
                : response;
    }

    static HttpResponse unknownUrl(String method, String path) {
        return error(404, "Unknown request URL: " + method + " " + path
                        + ". Please check the URL for typos, or see the docs at https://platform.openai.com/docs/api-reference/.",
                "invalid_request_error", null, "unknown_url");
    }

    static HttpResponse badJson() {
        return error(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                        + "your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                "invalid_request_error", null, null);
    }

    static HttpResponse internal(Throwable cause) {
        return error(500, "Fake upstream failed: " + cause, "server_error", null, null);
    }

    private static String nullable(String value) {
        return value == null ? "null" : FakeUpstreamJson.quote(value);
    }
}
