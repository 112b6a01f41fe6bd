package modrelay.relay.access;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.errors.OpenAiError;

/**
 * The access refusals, in the one OpenAI error shape, each saying which rule applied (never a
 * secret: keys are named by their id and name).
 */
public final class AccessErrors {
    private AccessErrors() {}

    public static OpenAiError ipDenied(String client, IpRules.Verdict verdict) {
        String why = verdict == IpRules.Verdict.BLACKLISTED ? "it is blacklisted" : "it is not whitelisted";
        return new OpenAiError(StatusCodes.FORBIDDEN, "Your IP address (" + client + ") may not use this relay: " + why
                + " (" + verdict.rule() + ").", "invalid_request_error", "ip_not_allowed");
    }

    public static OpenAiError revoked(SubKey key) {
        return new OpenAiError(StatusCodes.UNAUTHORIZED, "This key (" + key.id() + ") was revoked.",
                "invalid_request_error", "subkey_revoked");
    }

    public static OpenAiError expired(SubKey key) {
        String when = key.expiresAt().map(t -> " at " + t.truncatedTo(ChronoUnit.SECONDS)).orElse("");
        return new OpenAiError(StatusCodes.UNAUTHORIZED, "This key (" + key.id() + ") expired" + when + " (expires_at).",
                "invalid_request_error", "subkey_expired");
    }

    public static OpenAiError modelDenied(SubKey key, String model, String rule) {
        return new OpenAiError(StatusCodes.FORBIDDEN, "This key (" + key.id() + ") may not use the model '" + model
                + "' (" + rule + ").", "invalid_request_error", "model_not_allowed");
    }

    public static OpenAiError unreadableModel(SubKey key) {
        return new OpenAiError(StatusCodes.FORBIDDEN, "This key (" + key.id() + ") may use only some models, and the "
                + "request must name its model as a string the relay can read (JSON 'model', or the form's 'model' field).",
                "invalid_request_error", "model_not_allowed");
    }

    public static OpenAiError modelUnchecked(SubKey key, Endpoint endpoint, String why) {
        return new OpenAiError(StatusCodes.FORBIDDEN, "This key (" + key.id() + ") may use only some models, so the relay "
                + "must see the model of every request it sends: " + why + " (" + endpoint.describe() + ").",
                "invalid_request_error", "model_required");
    }

    public static OpenAiError endpointNotAllowed(SubKey key, Endpoint endpoint) {
        return new OpenAiError(StatusCodes.FORBIDDEN, "This key (" + key.id() + ") may not use " + endpoint.describe()
                + ", group '" + endpoint.group().id() + "' (allowed_endpoints: " + String.join(", ", key.endpoints().granted())
                + ").", "invalid_request_error", "endpoint_not_allowed");
    }

    /** A batch (eval run, fine-tuning job) is one request here and thousands upstream: a quota cannot count it. */
    public static OpenAiError fansOutPastQuota(SubKey key, Endpoint endpoint) {
        return new OpenAiError(StatusCodes.FORBIDDEN, "This key (" + key.id() + ") has a request quota "
                + "(remaining_requests), and " + endpoint.describe() + " would run many upstream requests as one: only keys "
                + "without a quota may use it.", "invalid_request_error", "endpoint_not_allowed");
    }

    public static OpenAiError exhausted(SubKey key) {
        return new OpenAiError(StatusCodes.TOO_MANY_REQUESTS, "This key (" + key.id() + ") has no requests left "
                + "(remaining_requests: 0).", "insufficient_quota", "insufficient_quota");
    }

    public static OpenAiError rateLimited(SubKey key, int rpm, long retryAfterSeconds) {
        return new OpenAiError(StatusCodes.TOO_MANY_REQUESTS, "Rate limit reached for this key (" + key.id() + "): "
                + rpm + " requests per minute (requests_per_minute). Retry after " + retryAfterSeconds + "s.",
                "requests", "rate_limit_exceeded");
    }

    /** Over a token, spend or shared request limit; {@code retryAfterSeconds} -1 when it never reopens (the totals). */
    public static OpenAiError overLimit(SubKey key, String limit, long retryAfterSeconds) {
        SubKeyBudgets b = key.budgets();
        String value = switch (limit) {
            case "token_budget" -> b.tokenBudget().map(v -> v + " tokens").orElse("its token budget");
            case "tokens_per_day" -> b.tokensPerDay().map(v -> v + " tokens per day (UTC)").orElse("its tokens per day");
            case "tokens_per_month" -> b.tokensPerMonth().map(v -> v + " tokens per month (UTC)").orElse("its tokens per month");
            case "tokens_per_minute" -> b.tokensPerMinute().map(v -> v + " tokens per minute").orElse("its tokens per minute");
            case "spend_budget" -> b.spendBudget().map(v -> v + " spent").orElse("its spend budget");
            default -> key.rpm().map(v -> v + " requests per minute").orElse("its requests per minute");
        };
        if (retryAfterSeconds < 0) {
            return new OpenAiError(StatusCodes.TOO_MANY_REQUESTS, "This key (" + key.id() + ") has used up " + value + " ("
                    + limit + ").", "insufficient_quota", "insufficient_quota");
        }
        boolean perMinute = limit.endsWith("per_minute");
        return new OpenAiError(StatusCodes.TOO_MANY_REQUESTS, "Limit reached for this key (" + key.id() + "): " + value + " ("
                + limit + "). Retry after " + retryAfterSeconds + "s.", perMinute ? (limit.startsWith("tokens") ? "tokens" : "requests")
                : "insufficient_quota", perMinute ? "rate_limit_exceeded" : "insufficient_quota");
    }

    public static OpenAiError storeUnavailable() {
        return new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The relay's key store is unavailable; retry later.",
                "server_error", "key_store_unavailable");
    }

    /** The response for a consumption that is not {@link Consumption.Granted}. */
    public static HttpResponse refusal(Consumption c, SubKey key) {
        if (c instanceof Consumption.RateLimited r) {
            long seconds = retryAfterSeconds(r.retryAfter());
            return rateLimited(key, key.rpm().orElse(0), seconds).response(seconds);
        }
        if (c instanceof Consumption.Exhausted) return exhausted(key).response();
        if (c instanceof Consumption.OverLimit o) {
            if (o.retryAfter().isEmpty()) return overLimit(key, o.limit(), -1).response();
            long seconds = retryAfterSeconds(o.retryAfter().get());
            return overLimit(key, o.limit(), seconds).response(seconds);
        }
        if (c instanceof Consumption.Revoked) return revoked(key).response();
        if (c instanceof Consumption.Expired) return expired(key).response();
        if (c instanceof Consumption.Missing) return revoked(key).response();
        return storeUnavailable().response();
    }

    static long retryAfterSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
