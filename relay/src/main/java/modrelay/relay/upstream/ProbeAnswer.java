package modrelay.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import modrelay.relay.upstream.KeyProbe.Outcome;
import modrelay.relay.upstream.KeyProbe.Verdict;

/**
 * What an answer to {@code GET /models} with one key says about that key. A 2xx brings it back. A
 * 401 keeps it out, unless its error says the key lacks a scope or permission (OpenAI's restricted
 * keys: "Missing scopes: api.model.read"): then the upstream knew the key, and it is valid. Anything
 * else (5xx, 403, 429, a body that is not JSON) says nothing about the key.
 */
public final class ProbeAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeAnswer() {}

    public static Outcome of(int status, byte[] body) {
        if (status >= 200 && status < 300) return new Outcome(Verdict.VALID, "probe answered " + status);
        if (status != 401) return new Outcome(Verdict.INCONCLUSIVE, "probe answered " + status);
        String code = "";
        String message = "";
        try {
            JsonNode error = JSON.readTree(body).path("error");
            code = error.path("code").asText("");
            message = error.path("message").asText("");
        } catch (Exception notJson) {
            // a 401 without a readable error is still the upstream refusing the key
        }
        if (!code.equals("invalid_api_key") && lacksPermissionOnly(message)) {
            return new Outcome(Verdict.VALID, "probe answered 401 for a missing scope (the key itself is valid)");
        }
        return new Outcome(Verdict.INVALID, "probe answered 401" + (code.isEmpty() ? "" : " " + safe(code)));
    }

    private static boolean lacksPermissionOnly(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("missing scopes") || m.contains("insufficient permissions");
    }

    /** An error code as the admin API may show it: letters, digits, '_' and '-' only, bounded. */
    static String safe(String code) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < code.length() && b.length() < 64; i++) {
            char c = code.charAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) b.append(c);
        }
        return b.toString();
    }
}
