package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.Optional;

/**
 * The 401s and 429s OpenAI answers for reasons that are about the request, not the key, chosen with
 * {@code x-fake-error: <name>}; the bodies are OpenAI's own wording. A relay must hand them to the client
 * and leave its keys alone.
 */
public final class FakeKeyErrors {
    /** A restricted key calling an endpoint it has no scope for (OpenAI sends {@code "code":null}). */
    public static final String MISSING_SCOPES = "{\"error\":{\"message\":\"You have insufficient permissions for this operation. "
            + "Missing scopes: api.responses.write. Check that you have the correct role in your organization (Reader, Writer, "
            + "Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.\","
            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    /** One request larger than the key's whole tokens-per-minute limit. */
    public static final String REQUEST_TOO_LARGE = "{\"error\":{\"message\":\"Request too large for gpt-4o in organization "
            + "org-fake on tokens per min (TPM): Limit 30000, Requested 31538. The input or output tokens must be reduced in "
            + "order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.\",\"type\":\"tokens\","
            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    /** A 429 that names no limit of the key. */
    public static final String NO_CODE_429 = "{\"error\":{\"message\":\"Too many requests for this operation.\",\"type\":\"requests\","
            + "\"param\":null,\"code\":null}}";
    /** A 403 about the request's origin. */
    public static final String UNSUPPORTED_REGION = "{\"error\":{\"message\":\"Country, region, or territory not supported\","
            + "\"type\":\"request_forbidden\",\"param\":null,\"code\":\"unsupported_country_region_territory\"}}";

    private FakeKeyErrors() {}

    /** The error named by the request's {@code x-fake-error} header, if it names one. */
    static Optional<HttpResponse> forRequest(HttpRequest request) {
        return request.getHeader("x-fake-error").map(h -> h.value().trim()).flatMap(FakeKeyErrors::named);
    }

    private static Optional<HttpResponse> named(String name) {
        return switch (name) {
            case "missing_scopes" -> Optional.of(FakeUpstreamHttp.json(401, MISSING_SCOPES));
            // Retry-After on a request-specific 429 too: a relay that cooled keys on it would shelve them a minute.
            case "request_too_large" -> Optional.of(FakeUpstreamHttp.json(429, REQUEST_TOO_LARGE)
                    .addHeader(RawHeader.create("Retry-After", "60")));
            case "no_code_429" -> Optional.of(FakeUpstreamHttp.json(429, NO_CODE_429).addHeader(RawHeader.create("Retry-After", "60")));
            case "unsupported_region" -> Optional.of(FakeUpstreamHttp.json(403, UNSUPPORTED_REGION));
            default -> Optional.empty();
        };
    }
}
