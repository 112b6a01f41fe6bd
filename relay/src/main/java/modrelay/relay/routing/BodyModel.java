package modrelay.relay.routing;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and rewrites the {@code model} of a request body the relay holds in memory. Pure. */
public final class BodyModel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=\"?([^\";]+)\"?");
    private static final Pattern MODEL_PART = Pattern.compile(
            "(?i)content-disposition:\\s*form-data;[^\\r\\n]*\\bname=\"?model\"?(?:[;\\s][^\\r\\n]*)?\\r\\n");

    private BodyModel() {}

    /** The JSON body's {@code model}, when it is a string. */
    public static Optional<String> fromJson(ByteString body) {
        try {
            JsonNode model = JSON.readTree(body.toArray()).get("model");
            return model != null && model.isTextual() ? Optional.of(model.textValue()) : Optional.empty();
        } catch (Exception notJson) {
            return Optional.empty();
        }
    }

    /** The JSON body with {@code model} set to {@code name}; the body unchanged when it is not a JSON object. */
    public static ByteString withModel(ByteString body, String name) {
        try {
            JsonNode root = JSON.readTree(body.toArray());
            if (root == null || !root.isObject()) return body;
            ((ObjectNode) root).put("model", name);
            return ByteString.fromArrayUnsafe(JSON.writeValueAsBytes(root));
        } catch (Exception notJson) {
            return body;
        }
    }

    /** The {@code model} field of a multipart form held whole in memory. */
    public static Optional<String> fromForm(String contentType, ByteString body) {
        Matcher b = BOUNDARY.matcher(contentType);
        if (!b.find()) return Optional.empty();
        // ISO-8859-1 maps every byte to one char, so binary file parts cannot break the scan.
        String text = body.decodeString(StandardCharsets.ISO_8859_1);
        String delimiter = "--" + b.group(1);
        for (String part : text.split(Pattern.quote(delimiter))) {
            int headersEnd = part.indexOf("\r\n\r\n");
            if (headersEnd < 0) continue;
            String headers = part.substring(0, headersEnd + 2);
            if (!MODEL_PART.matcher(headers).find()) continue;
            String value = part.substring(headersEnd + 4);
            if (value.endsWith("\r\n")) value = value.substring(0, value.length() - 2);
            String model = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).trim();
            return model.isEmpty() || model.length() > 256 ? Optional.empty() : Optional.of(model);
        }
        return Optional.empty();
    }
}
