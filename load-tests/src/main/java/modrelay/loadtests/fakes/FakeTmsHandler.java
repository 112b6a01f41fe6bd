package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Answers one TextModeration request in the order the service checks things: the signature
 * (format, timestamp window, SecretId, signature), then action and version, then the parameters,
 * then the configured failure, then the verdict — the configured latency after the request arrived, on a timer.
 */
final class FakeTmsHandler {
    static final long MAX_CLOCK_SKEW_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeTms.Options options;
    private final FakeTmsState state;

    FakeTmsHandler(FakeTms.Options options, FakeTmsState state) {
        this.options = options;
        this.state = state;
    }

    /**
     * @param arrived {@link System#nanoTime()} when the request's headers reached the fake: the latency is the
     *     service's answer time as a caller sees it, so reading the body and the fake's own checks (signature,
     *     JSON) are inside it, not added on top of it.
     */
    CompletionStage<HttpResponse> handle(HttpRequest request, HttpEntity.Strict entity, long arrived) {
        state.countCall();
        byte[] body = entity.getData().toArray();
        HttpResponse reply = authFailure(request, entity, body).orElseGet(() -> answer(request, body));
        if (reply == null) return new CompletableFuture<>(); // HANG: never answer; the client gives up
        Duration latency = state.latency().minusNanos(System.nanoTime() - arrived);
        if (latency.isZero() || latency.isNegative()) return CompletableFuture.completedFuture(reply);
        // the JDK's delayer, not Akka's scheduler: Akka's ticks (1 ms here) add about 2 ms to a 50 ms timer
        return CompletableFuture.supplyAsync(() -> reply,
                CompletableFuture.delayedExecutor(latency.toNanos(), TimeUnit.NANOSECONDS, Runnable::run));
    }

    private Optional<HttpResponse> authFailure(HttpRequest request, HttpEntity.Strict entity, byte[] body) {
        Optional<Tc3Authorization> parsed = Tc3Authorization.parse(header(request, "authorization"));
        if (parsed.isEmpty()) {
            return Optional.of(FakeTmsReplies.error("AuthFailure.InvalidAuthorization",
                    "Authorization is not a valid TC3-HMAC-SHA256 header."));
        }
        Tc3Authorization auth = parsed.get();
        long timestamp;
        try {
            timestamp = Long.parseLong(header(request, "x-tc-timestamp"));
        } catch (NumberFormatException e) {
            return Optional.of(FakeTmsReplies.error("MissingParameter", "The request is missing a valid X-TC-Timestamp."));
        }
        long now = System.currentTimeMillis() / 1000;
        if (Math.abs(now - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
            return Optional.of(FakeTmsReplies.error("AuthFailure.SignatureExpire",
                    "Signature expired. Timestamp " + timestamp + " is more than " + MAX_CLOCK_SKEW_SECONDS
                            + " seconds away from server time " + now + "."));
        }
        if (!auth.secretId().equals(options.secretId())) {
            return Optional.of(FakeTmsReplies.error("AuthFailure.SecretIdNotFound",
                    "The SecretId is not found, please ensure that your SecretId is correct."));
        }
        if (!auth.date().equals(Tc3Signature.utcDate(timestamp))) {
            return Optional.of(FakeTmsReplies.error("AuthFailure.SignatureFailure",
                    "The credential scope date does not match X-TC-Timestamp."));
        }
        Map<String, String> signed = new LinkedHashMap<>();
        for (String name : auth.signedHeaders()) {
            String value = signedHeaderValue(request, entity, name);
            if (value == null) {
                return Optional.of(FakeTmsReplies.error("AuthFailure.SignatureFailure",
                        "Signed header " + name + " is missing from the request."));
            }
            signed.put(name, value);
        }
        String expected = Tc3Signature.signature(options.secretKey(), auth.date(), auth.service(), timestamp,
                Tc3Signature.canonicalRequest(signed, body));
        if (!Tc3Signature.same(expected, auth.signature())) {
            return Optional.of(FakeTmsReplies.error("AuthFailure.SignatureFailure",
                    "The provided credentials could not be validated. Please check your signature is correct."));
        }
        return Optional.empty();
    }

    /** Null means: do not answer at all. */
    private HttpResponse answer(HttpRequest request, byte[] body) {
        String action = header(request, "x-tc-action");
        if (!FakeTms.ACTION.equals(action)) {
            return FakeTmsReplies.error("InvalidAction", "The action " + action + " does not exist.");
        }
        String version = header(request, "x-tc-version");
        if (!FakeTms.VERSION.equals(version)) {
            return FakeTmsReplies.error("NoSuchVersion", "The version " + version + " of TextModeration does not exist.");
        }
        JsonNode params;
        try {
            params = JSON.readTree(body);
        } catch (Exception e) {
            return FakeTmsReplies.error("InvalidParameter", "The request body is not valid JSON.");
        }
        JsonNode content = params == null ? null : params.get("Content");
        if (content == null || !content.isTextual() || content.asText().isEmpty()) {
            return FakeTmsReplies.error("MissingParameter", "The request is missing a required parameter `Content`.");
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(content.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return FakeTmsReplies.error("InvalidParameterValue", "Content is not valid base64.");
        }
        if (state.overRateLimit()) {
            // Not recorded: the service turned it away before looking at the text.
            return FakeTmsReplies.error("RequestLimitExceeded", "Your request frequency has reached the limit.");
        }
        state.record(new FakeTms.Received(text, params.path("BizType").asText(""),
                params.path("DataId").asText(""), params.path("User").path("UserId").asText("")));
        if (text.codePointCount(0, text.length()) > FakeTms.MAX_CONTENT_CHARS) {
            return FakeTmsReplies.error("InvalidParameterValue.ErrTextContentLen",
                    "Content is longer than " + FakeTms.MAX_CONTENT_CHARS + " characters.");
        }
        return switch (state.failure()) {
            case NONE -> FakeTmsReplies.verdict(
                    FakeTmsVerdict.judge(text, options.blockWords(), options.reviewWords()),
                    params.path("BizType").asText(""), params.path("DataId").asText(""));
            case ERROR -> FakeTmsReplies.error("InternalError.ErrTextTimeOut", "Text moderation timed out internally.");
            case RATE_LIMITED -> FakeTmsReplies.error("RequestLimitExceeded", "Your request frequency has reached the limit.");
            case MALFORMED -> FakeTmsReplies.malformed();
            case HTTP_500 -> FakeTmsReplies.serverError();
            case HANG -> null;
        };
    }

    /**
     * A signed header's value as the client sent it. Akka models Content-Type and Host; both render
     * back to the sent text here, because the fake registers application/json with an open charset
     * (see {@link FakeTms}) and values are compared lower-cased, as the service does.
     */
    private static String signedHeaderValue(HttpRequest request, HttpEntity.Strict entity, String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "content-type" -> entity.getContentType().toString();
            default -> header(request, name);
        };
    }

    private static String header(HttpRequest request, String lowerName) {
        return request.getHeader(lowerName).map(HttpHeader::value).orElse(null);
    }
}
