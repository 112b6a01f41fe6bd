package modrelay.relay.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What a request's body says its model is, as the canonical request read it once. Model rules are
 * judged on this alone, never on a second look at the raw bytes.
 */
public sealed interface RequestModel {

    /** A {@code model} that is a string (JSON) or a form field's text. Not trimmed, not case-folded. */
    record Named(String name) implements RequestModel {
        public Named {
            if (name == null) throw new IllegalArgumentException("name");
        }
    }

    /** The body has no {@code model} (or there is no body, or the relay does not read this endpoint's body). */
    record Missing() implements RequestModel {}

    /** {@code model} is there but is not a string: {@code null}, a number, an array, an object, a boolean. */
    record NotAString(String jsonType) implements RequestModel {}

    /**
     * The relay tried to read the body for its model and could not: not JSON (or JSON with NaN,
     * duplicate keys, …), an unknown content type on an endpoint that takes a model, a form whose
     * {@code model} field is cut off or too long.
     */
    record Unreadable(String why) implements RequestModel {}

    RequestModel MISSING = new Missing();

    static RequestModel named(String name) {
        return new Named(name);
    }

    /**
     * The model of a parsed JSON body: {@code root} is the whole body (null when it was empty).
     * A body that is not an object is {@link Unreadable}: there is no field to read; so is one with
     * a second spelling of {@code model} in another case. (Duplicate keys must be refused by the parse
     * itself: Jackson keeps the last, other parsers the first.)
     */
    static RequestModel ofJson(JsonNode root) {
        if (root == null || root.isMissingNode()) return MISSING;
        if (!root.isObject()) return new Unreadable("the body is a JSON " + type(root) + ", not an object");
        // Go's encoding/json (behind many OpenAI-compatible upstreams and relays) matches field names
        // ignoring case, the last one winning: {"model":"allowed","MODEL":"denied"} runs "denied" there.
        java.util.Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!n.equals("model") && n.equalsIgnoreCase("model")) {
                return new Unreadable("a field '" + n + "' that an upstream may read as 'model'");
            }
        }
        JsonNode model = root.get("model");
        if (model == null) return MISSING;
        if (model.isTextual()) return new Named(model.textValue());
        return new NotAString(type(model));
    }

    private static String type(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
