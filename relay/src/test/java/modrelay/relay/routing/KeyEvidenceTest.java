package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Error bodies as OpenAI and Azure OpenAI send them (the 401s and 429s users report in public issue trackers). */
class KeyEvidenceTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static final String INVALID_KEY = """
            {"error":{"message":"Incorrect API key provided: sk-proj-****************************abcd. You can find your \
            API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,\
            "code":"invalid_api_key"}}""";
    private static final String MISSING_SCOPES = """
            {"error":{"message":"You have insufficient permissions for this operation. Missing scopes: api.responses.write. \
            Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), \
            and if you're using a restricted API key, that it has the necessary scopes.","type":"invalid_request_error",\
            "param":null,"code":null}}""";
    private static final String INSUFFICIENT_PERMISSIONS = """
            {"error":{"message":"You do not have access to this project's resources.","type":"invalid_request_error",\
            "param":null,"code":"insufficient_permissions"}}""";
    private static final String RPM_REACHED = """
            {"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on requests per min (RPM): Limit 500, \
            Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn \
            more.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
    private static final String TPM_REACHED = """
            {"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, \
            Used 28000, Requested 4000. Please try again in 4s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""";
    private static final String REQUEST_TOO_LARGE = """
            {"error":{"message":"Request too large for gpt-4o in organization org-78asdf87asdf9aaa8976 on tokens per min \
            (TPM): Limit 30000, Requested 31538. The input or output tokens must be reduced in order to run successfully. \
            Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,\
            "code":"rate_limit_exceeded"}}""";
    private static final String QUOTA = """
            {"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more \
            information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",\
            "type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""";
    private static final String NO_CODE_429 = """
            {"error":{"message":"Too many requests.","type":"requests","param":null,"code":null}}""";
    private static final String AZURE_GATEWAY_401 = """
            {"statusCode":401,"message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to \
            provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}""";
    private static final String AZURE_401 = """
            {"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure \
            to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""";
    private static final String AZURE_PERMISSION = """
            {"error":{"code":"PermissionDenied","message":"The principal lacks the required data action \
            Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action to perform this operation."}}""";
    private static final String AZURE_429 = """
            {"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version \
            2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}}""";

    private static KeyVerdict openai(int status, String body, Map<String, String> headers) {
        return KeyEvidence.classify(status, name -> Optional.ofNullable(headers.get(name)), body.getBytes(StandardCharsets.UTF_8),
                false, NOW);
    }

    private static KeyVerdict openai(int status, String body) {
        return openai(status, body, Map.of());
    }

    private static KeyVerdict azure(int status, String body, Map<String, String> headers) {
        return KeyEvidence.classify(status, name -> Optional.ofNullable(headers.get(name)), body.getBytes(StandardCharsets.UTF_8),
                true, NOW);
    }

    @Test
    void onlyTheInvalidKeyCodeTakesAKeyOut() {
        assertInstanceOf(KeyVerdict.Invalid.class, openai(401, INVALID_KEY));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(401, MISSING_SCOPES), "a restricted key's missing scope");
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(401, INSUFFICIENT_PERMISSIONS));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(401,
                "{\"error\":{\"message\":\"OpenAI-Organization header should match organization for API key\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"mismatched_organization\"}}"),
                "a header the client sent");
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(401, INVALID_KEY.replace("Incorrect API key", "Missing scopes: x. Key")),
                "scopes win over a code that contradicts them");
    }

    @Test
    void a401ThatSaysNothingIsLeftForAProbeToDecide() {
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, "<html><body>401 Authorization Required</body></html>"));
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, ""));
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, "{\"error\":{\"message\":\"Unauthorized\",\"code\":null}}"));
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, "{\"error\":\"Unauthorized\"}"));
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, "[1,2]"));
        assertInstanceOf(KeyVerdict.Unverified.class, openai(401, AZURE_GATEWAY_401), "outside Azure a bare statusCode is no code");
    }

    @Test
    void azuresInvalidSubscriptionKeyTakesAKeyOutButItsPermissionErrorsDoNot() {
        assertInstanceOf(KeyVerdict.Invalid.class, azure(401, AZURE_GATEWAY_401, Map.of()));
        assertInstanceOf(KeyVerdict.Invalid.class, azure(401, AZURE_401, Map.of()));
        assertInstanceOf(KeyVerdict.NotTheKey.class, azure(401, AZURE_PERMISSION, Map.of()));
        assertInstanceOf(KeyVerdict.Invalid.class, azure(401, INVALID_KEY, Map.of()));
    }

    @Test
    void aLimitOfTheKeyCoolsItForRetryAfter() {
        KeyVerdict.Limited rpm = assertInstanceOf(KeyVerdict.Limited.class, openai(429, RPM_REACHED, Map.of("retry-after", "20")));
        assertEquals(Optional.of(Duration.ofSeconds(20)), rpm.retryAfter());
        assertInstanceOf(KeyVerdict.Limited.class, openai(429, TPM_REACHED));
        KeyVerdict.Limited quota = assertInstanceOf(KeyVerdict.Limited.class, openai(429, QUOTA));
        assertEquals(Optional.empty(), quota.retryAfter(), "no Retry-After: the pool's KEY_COOLDOWN");
        KeyVerdict.Limited az = assertInstanceOf(KeyVerdict.Limited.class, azure(429, AZURE_429, Map.of("retry-after", "6")));
        assertEquals(Optional.of(Duration.ofSeconds(6)), az.retryAfter());
    }

    @Test
    void retryAfterIsCappedAtTenMinutesWhateverItsSpelling() {
        KeyVerdict.Limited seconds = (KeyVerdict.Limited) openai(429, RPM_REACHED, Map.of("retry-after", "86400"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), seconds.retryAfter());
        KeyVerdict.Limited date = (KeyVerdict.Limited) openai(429, RPM_REACHED, Map.of("retry-after", "Fri, 31 Dec 2100 23:59:59 GMT"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), date.retryAfter());
        KeyVerdict.Limited reset = (KeyVerdict.Limited) openai(429, NO_CODE_429,
                Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20h0m0s"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), reset.retryAfter());
    }

    @Test
    void exhaustedRateLimitHeadersMakeA429WithoutACodeAKeyLimit() {
        KeyVerdict.Limited requests = assertInstanceOf(KeyVerdict.Limited.class, openai(429, NO_CODE_429,
                Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1m30s")));
        assertEquals(Optional.of(Duration.ofSeconds(90)), requests.retryAfter());
        KeyVerdict.Limited tokens = assertInstanceOf(KeyVerdict.Limited.class, openai(429, "",
                Map.of("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "250ms",
                        "x-ratelimit-remaining-requests", "4999", "x-ratelimit-reset-requests", "12ms")));
        assertEquals(Optional.of(Duration.ofMillis(250)), tokens.retryAfter(), "the reset of the limit that ran out");
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, NO_CODE_429,
                Map.of("x-ratelimit-remaining-requests", "12", "x-ratelimit-remaining-tokens", "29000")), "headers with room left");
    }

    @Test
    void aRequestSpecific429CoolsNoKey() {
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, REQUEST_TOO_LARGE, Map.of("retry-after", "60")));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, REQUEST_TOO_LARGE.replace("Request too large", "Over limit")),
                "Requested above the Limit itself: no key could take it");
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, NO_CODE_429));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, "not json"));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, "{\"error\":{\"message\":\"x\",\"code\":\"concurrency_limit\"}}"));
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(429, AZURE_429), "an Azure code means nothing outside Azure");
    }

    @Test
    void otherStatusesSayNothingAboutTheKey() {
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(403, INVALID_KEY), "a 403 is always the client's answer");
        assertInstanceOf(KeyVerdict.NotTheKey.class, openai(500, INVALID_KEY));
    }

    @Test
    void openAisResetDurationsParse() {
        assertEquals(Optional.of(Duration.ofSeconds(1)), KeyEvidence.resetDuration("1s"));
        assertEquals(Optional.of(Duration.ofMinutes(6)), KeyEvidence.resetDuration("6m0s"));
        assertEquals(Optional.of(Duration.ofMillis(20)), KeyEvidence.resetDuration("20ms"));
        assertEquals(Optional.of(Duration.ofMillis(3_723_500)), KeyEvidence.resetDuration("1h2m3.5s"));
        assertEquals(Optional.empty(), KeyEvidence.resetDuration("soon"));
        assertEquals(Optional.empty(), KeyEvidence.resetDuration("5s later"));
        assertEquals(Optional.empty(), KeyEvidence.resetDuration(""));
    }
}
