package modrelay.relay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modrelay.relay.upstream.RetryAfter;

/**
 * Reads an upstream's 401 or 429 (status, headers, error body) for what it says about the server key
 * the request was sent with. Pure.
 *
 * <ul>
 *   <li>401 {@code invalid_api_key} (Azure: its gateway's "invalid subscription key") → {@link KeyVerdict.Invalid};
 *       a 401 about scopes or permissions ("Missing scopes: …", {@code insufficient_permissions}) or with any other
 *       code → {@link KeyVerdict.NotTheKey}; a 401 with no code at all → {@link KeyVerdict.Unverified}.</li>
 *   <li>429 {@code rate_limit_exceeded} or {@code insufficient_quota} (Azure: code {@code 429}), or
 *       {@code x-ratelimit-remaining-requests}/{@code -tokens} at 0 → {@link KeyVerdict.Limited}, resting for
 *       Retry-After, else the matching {@code x-ratelimit-reset-*}, capped by {@link RetryAfter#MAX}; but a request
 *       larger than the limit itself ("Request too large … Limit 30000, Requested 31538") and a 429 with no code
 *       and no exhausted headers → {@link KeyVerdict.NotTheKey}.</li>
 * </ul>
 */
public final class KeyEvidence {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LIMIT = Pattern.compile("\\bLimit (\\d+)");
    private static final Pattern REQUESTED = Pattern.compile("\\bRequested (\\d+)");
    private static final Pattern RESET_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private KeyEvidence() {}

    /**
     * @param header a response header's value by lower-case name
     * @param body   the error body as received (at most the bounded prefix the relay read)
     * @param azure  whether the upstream speaks Azure OpenAI
     */
    public static KeyVerdict classify(int status, Function<String, Optional<String>> header, byte[] body, boolean azure,
            Instant now) {
        ErrorFields e = ErrorFields.of(body);
        if (status == 401) return unauthorized(e.withoutBareStatus(status, azure), azure);
        if (status == 429) return limited(e, header, azure, now);
        return new KeyVerdict.NotTheKey("status " + status);
    }

    private static KeyVerdict unauthorized(ErrorFields e, boolean azure) {
        String message = e.message().toLowerCase(Locale.ROOT);
        if (message.contains("missing scopes") || message.contains("insufficient permissions")
                || e.code().filter(c -> c.equals("insufficient_permissions") || c.equals("PermissionDenied")).isPresent()) {
            return new KeyVerdict.NotTheKey("missing scope or permission");
        }
        if (e.code().filter("invalid_api_key"::equals).isPresent()) return new KeyVerdict.Invalid("invalid_api_key");
        if (azure && e.code().filter("401"::equals).isPresent() && message.contains("invalid subscription key")) {
            return new KeyVerdict.Invalid("invalid subscription key");
        }
        if (e.code().isPresent()) return new KeyVerdict.NotTheKey("401 " + e.code().get());
        return new KeyVerdict.Unverified("401 without a code");
    }

    private static KeyVerdict limited(ErrorFields e, Function<String, Optional<String>> header, boolean azure, Instant now) {
        if (tooLargeForAnyLimit(e.message())) return new KeyVerdict.NotTheKey("request larger than the limit");
        boolean requestsOut = zero(header.apply("x-ratelimit-remaining-requests"));
        boolean tokensOut = zero(header.apply("x-ratelimit-remaining-tokens"));
        Optional<String> code = e.code();
        boolean keyLimit = code.filter(c -> c.equals("rate_limit_exceeded") || c.equals("insufficient_quota")).isPresent()
                || (azure && code.filter("429"::equals).isPresent()) || requestsOut || tokensOut;
        if (!keyLimit) return new KeyVerdict.NotTheKey(code.map(c -> "429 " + c).orElse("429 without a code"));
        Optional<Duration> rest = header.apply("retry-after").flatMap(v -> RetryAfter.parse(v, now));
        if (rest.isEmpty() && requestsOut) rest = header.apply("x-ratelimit-reset-requests").flatMap(KeyEvidence::resetDuration);
        if (rest.isEmpty() && tokensOut) rest = header.apply("x-ratelimit-reset-tokens").flatMap(KeyEvidence::resetDuration);
        return new KeyVerdict.Limited(rest.map(RetryAfter::capped), code.orElse("x-ratelimit headers"));
    }

    /** OpenAI's "Request too large for gpt-4o … Limit 30000, Requested 31538": no key could serve it as it is. */
    static boolean tooLargeForAnyLimit(String message) {
        if (message.startsWith("Request too large")) return true;
        Matcher limit = LIMIT.matcher(message);
        Matcher requested = REQUESTED.matcher(message);
        if (!limit.find() || !requested.find()) return false;
        try {
            return Long.parseLong(requested.group(1)) > Long.parseLong(limit.group(1));
        } catch (NumberFormatException huge) {
            return true;
        }
    }

    private static boolean zero(Optional<String> value) {
        return value.map(String::trim).filter(v -> v.equals("0")).isPresent();
    }

    /** OpenAI's reset spelling: {@code 1s}, {@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}. */
    static Optional<Duration> resetDuration(String value) {
        String v = value.trim();
        if (v.isEmpty()) return Optional.empty();
        Matcher m = RESET_PART.matcher(v);
        long millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) return Optional.empty();
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            millis += (long) switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1000;
                default -> n;
            };
        }
        return end == v.length() ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }

    /** The {@code message} and {@code code} of OpenAI's {@code {"error":{…}}} or Azure's gateway {@code {"statusCode","message"}}. */
    private record ErrorFields(String message, Optional<String> code) {
        static ErrorFields of(byte[] body) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (Exception notJson) {
                return new ErrorFields("", Optional.empty());
            }
            if (root == null || !root.isObject()) return new ErrorFields("", Optional.empty());
            JsonNode error = root.get("error");
            JsonNode source = error != null && error.isObject() ? error : root;
            String message = source.path("message").isTextual() ? source.path("message").textValue()
                    : error != null && error.isTextual() ? error.textValue() : "";
            JsonNode code = source.get("code");
            if (code == null || code.isNull()) code = source.get("statusCode");
            Optional<String> c = code == null || code.isNull() || code.isContainerNode() || code.asText().isEmpty()
                    ? Optional.empty()
                    : Optional.of(code.asText());
            return new ErrorFields(message, c);
        }

        /** Outside Azure, a "code" that only repeats the status ({@code "statusCode":401}) says nothing about why. */
        ErrorFields withoutBareStatus(int status, boolean azure) {
            return azure ? this : new ErrorFields(message, code.filter(c -> !c.equals(Integer.toString(status))));
        }
    }
}
