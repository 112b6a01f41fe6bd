package modrelay.relay.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * A JSON request body the relay must read: the moderation flags are taken out (the upstream
 * rejects unknown fields) and {@code stream}/{@code model} are noted. A body without the flags goes
 * upstream byte for byte; one with them is re-serialised without them.
 *
 * @param moderation      the body's {@code moderation}, when it is a boolean
 * @param moderationLevel the body's {@code moderation_level}, when present (validated by the caller)
 */
public record JsonRequest(
        byte[] upstreamBody,
        Optional<Boolean> moderation,
        Optional<String> moderationLevel,
        boolean stream,
        Optional<String> model) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown for a body that is not a JSON object or has a flag of the wrong type. */
    public static final class Invalid extends Exception {
        private final boolean syntax;

        Invalid(String message, boolean syntax) {
            super(message, null, false, false);
            this.syntax = syntax;
        }

        /** True when the body is not JSON at all (as opposed to a flag of the wrong type). */
        public boolean syntax() {
            return syntax;
        }
    }

    public static JsonRequest parse(byte[] body) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Invalid(e.getOriginalMessage(), true);
        } catch (IOException e) {
            throw new Invalid("unreadable body", true);
        }
        if (root == null || !root.isObject()) throw new Invalid("the body must be a JSON object", true);
        ObjectNode obj = (ObjectNode) root;

        Optional<Boolean> moderation = Optional.empty();
        JsonNode m = obj.get("moderation");
        if (m != null && !m.isNull()) {
            if (!m.isBoolean()) throw new Invalid("'moderation' must be true or false", false);
            moderation = Optional.of(m.booleanValue());
        }
        Optional<String> level = Optional.empty();
        JsonNode l = obj.get("moderation_level");
        if (l != null && !l.isNull()) {
            if (!l.isTextual()) throw new Invalid("'moderation_level' must be \"high\" or \"low\"", false);
            level = Optional.of(l.textValue());
        }
        boolean hadFlags = obj.has("moderation") || obj.has("moderation_level");
        byte[] upstream = body;
        if (hadFlags) {
            obj.remove("moderation");
            obj.remove("moderation_level");
            try {
                upstream = JSON.writeValueAsBytes(obj);
            } catch (JsonProcessingException e) {
                throw new Invalid("could not re-serialise the body", true);
            }
        }
        JsonNode s = obj.get("stream");
        JsonNode model = obj.get("model");
        return new JsonRequest(upstream, moderation, level, s != null && s.asBoolean(false),
                model != null && model.isTextual() ? Optional.of(model.textValue()) : Optional.empty());
    }
}
