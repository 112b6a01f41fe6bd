package modrelay.relay.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a stored definition is shown and how a change is summarised for the audit, without its keys: a key appears
 * only as a hint (its first 3 and last 4 characters, nothing for a short key) and in counts. Pure.
 */
public final class UpstreamChanges {
    static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamChanges() {}

    /** Enough of an upstream key to tell keys apart; a key shorter than 12 characters shows nothing of itself. */
    public static String hint(String key) {
        return key.length() < 12 ? "…" : key.substring(0, 3) + "…" + key.substring(key.length() - 4);
    }

    /** The keys of a stored definition (always a list once stored). */
    public static List<String> keys(JsonNode definition) {
        List<String> out = new ArrayList<>();
        for (JsonNode k : definition.path("keys")) out.add(k.asText());
        return out;
    }

    /** The definition as the admin API shows it: every field but the keys, which become a count and hints. */
    public static ObjectNode shown(JsonNode definition) {
        ObjectNode o = ((ObjectNode) definition).deepCopy();
        o.remove("keys");
        List<String> keys = keys(definition);
        o.put("key_count", keys.size());
        ArrayNode hints = o.putArray("key_hints");
        for (String k : keys) hints.add(hint(k));
        return o;
    }

    /**
     * What changed from {@code before} to {@code after} (either absent for an add or a delete):
     * {@code {"url":{"from":…,"to":…},"keys":{"count":2,"added":["sk-…abcd"],"removed":[]}}}.
     */
    public static String summary(Optional<JsonNode> before, Optional<JsonNode> after) {
        ObjectNode out = JSON.createObjectNode();
        Set<String> fields = new LinkedHashSet<>();
        before.ifPresent(b -> b.fieldNames().forEachRemaining(fields::add));
        after.ifPresent(a -> a.fieldNames().forEachRemaining(fields::add));
        fields.remove("keys");
        for (String f : fields) {
            JsonNode from = before.map(b -> b.get(f)).orElse(null);
            JsonNode to = after.map(a -> a.get(f)).orElse(null);
            if (from != null && from.equals(to)) continue;
            ObjectNode change = out.putObject(f);
            change.set("from", from == null ? JSON.nullNode() : from);
            change.set("to", to == null ? JSON.nullNode() : to);
        }
        List<String> was = before.map(UpstreamChanges::keys).orElse(List.of());
        List<String> now = after.map(UpstreamChanges::keys).orElse(List.of());
        if (!was.equals(now)) {
            ObjectNode k = out.putObject("keys");
            k.put("count", now.size());
            ArrayNode added = k.putArray("added");
            for (String s : now) if (!was.contains(s)) added.add(hint(s));
            ArrayNode removed = k.putArray("removed");
            for (String s : was) if (!now.contains(s)) removed.add(hint(s));
        }
        return out.toString();
    }

    /** Field names of an object, for "unknown field" style checks. */
    static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
