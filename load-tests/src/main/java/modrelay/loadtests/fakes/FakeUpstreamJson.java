package modrelay.loadtests.fakes;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;

/**
 * JSON helpers for the fake. Replies on the hot path are assembled from string pieces (cheaper
 * than building trees at tens of thousands of requests per second); request bodies are parsed
 * with Jackson.
 */
final class FakeUpstreamJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private FakeUpstreamJson() {}

    /** {@code text} as a JSON string literal, quotes included. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"').toString();
    }

    /** The parsed body, or {@code null} when it is not JSON at all. An empty body reads as {@code {}}. */
    static JsonNode parseOrNull(byte[] body) {
        if (body.length == 0) return MAPPER.createObjectNode();
        try {
            JsonNode node = MAPPER.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException notJson) {
            return null;
        }
    }
}
