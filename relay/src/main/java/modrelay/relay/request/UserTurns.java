package modrelay.relay.request;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the newest user turn's text out of a request as the streaming parser passes it: chat's
 * {@code messages}, the Responses API's {@code input} (a string, or items with a role and content),
 * completions' {@code prompt}. Content may be a string or a list of parts; every string under a
 * part's {@code text} is the user's text (image and audio parts carry none). Only the newest user
 * turn is kept, so memory stays what that turn's text costs.
 */
final class UserTurns {
    private UserTurns() {}

    /** The parser stands on the value of {@code messages} or {@code input}; it is left on that value's last token. */
    static List<String> newestOf(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) return List.of(p.getText());
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<String> newest = List.of();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                newest = List.of(p.getText()); // a bare string item is the user's own input
            } else if (t == JsonToken.START_OBJECT) {
                Turn turn = turn(p);
                if (turn.user()) newest = turn.texts();
            } else {
                p.skipChildren();
            }
        }
        return newest;
    }

    /** {@code prompt}: a string or a list of strings (token arrays carry no readable text). */
    static List<String> strings(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) return List.of(p.getText());
        List<String> out = new ArrayList<>();
        if (v == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING) out.add(p.getText());
                else p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return out;
    }

    private record Turn(boolean user, List<String> texts) {}

    /** One message or input item; the role may come before or after the content. */
    private static Turn turn(JsonParser p) throws IOException {
        String role = null;
        String type = null;
        List<String> texts = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "role" -> role = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "type" -> type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "content" -> parts(p, v, texts);
                case "text" -> {
                    if (v == JsonToken.VALUE_STRING) texts.add(p.getText());
                    else p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
        // An input item without a role but typed as the user's text ({"type":"input_text","text":…}) is the user's too.
        boolean user = "user".equals(role) || (role == null && "input_text".equals(type));
        return new Turn(user, texts);
    }

    private static void parts(JsonParser p, JsonToken v, List<String> texts) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            texts.add(p.getText());
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                texts.add(p.getText());
            } else if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken pv = p.nextToken();
                    if (name.equals("text") && pv == JsonToken.VALUE_STRING) texts.add(p.getText());
                    else p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
    }
}
