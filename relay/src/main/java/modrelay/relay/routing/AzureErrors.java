package modrelay.relay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Azure OpenAI's error bodies in the OpenAI shape {@code {"error":{"message","type","param","code"}}},
 * so OpenAI SDKs raise their usual exceptions. Azure sends {@code {"error":{"code","message",...}}}
 * (often without {@code type}; a blocked prompt is a 400 with {@code code:"content_filter"} and an
 * {@code innererror} holding the filter results, which is kept), or {@code {"statusCode":401,"message":...}}
 * from its gateway, or not JSON at all. Pure.
 */
public final class AzureErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DROPPED = Set.of("status", "statusCode");
    private static final int MAX_TEXT = 300;

    private AzureErrors() {}

    public static byte[] normalize(int status, byte[] body) {
        JsonNode root = null;
        try {
            root = JSON.readTree(body);
        } catch (Exception notJson) {
            // a gateway's HTML or text page
        }
        ObjectNode source = JSON.createObjectNode();
        if (root != null && root.isObject()) {
            JsonNode inner = root.get("error");
            source = inner != null && inner.isObject() ? ((ObjectNode) inner).deepCopy() : ((ObjectNode) root).deepCopy();
        }
        ObjectNode error = JSON.createObjectNode();
        String message = text(source.get("message"));
        if (message == null) {
            String raw = new String(body, StandardCharsets.UTF_8).strip();
            message = "Azure OpenAI answered " + status + (raw.isEmpty() ? "" : ": " + (raw.length() > MAX_TEXT ? raw.substring(0, MAX_TEXT) + "…" : raw));
        }
        error.put("message", message);
        String type = text(source.get("type"));
        error.put("type", type != null ? type : typeFor(status));
        String param = text(source.get("param"));
        if (param != null) error.put("param", param); else error.putNull("param");
        String code = text(source.get("code"));
        if (code == null) code = codeFor(status);
        if (code != null) error.put("code", code); else error.putNull("code");
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!error.has(e.getKey()) && !DROPPED.contains(e.getKey())) error.set(e.getKey(), e.getValue());
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("error", error);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) return null;
        String s = n.asText();
        return s.isEmpty() ? null : s;
    }

    static String typeFor(int status) {
        if (status == 401) return "authentication_error";
        if (status == 403) return "permission_error";
        if (status == 429) return "rate_limit_error";
        if (status >= 500) return "server_error";
        return "invalid_request_error";
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 404 -> "not_found";
            case 429 -> "rate_limit_exceeded";
            default -> null;
        };
    }
}
