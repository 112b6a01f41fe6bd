package modrelay.relay.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modrelay.config.ConfigException;
import modrelay.config.Secret;
import modrelay.config.UpstreamDefinitions;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.live.UpstreamStore.AuditRow;
import modrelay.relay.live.UpstreamStore.Row;

/**
 * The edits the admin API makes to the stored upstream list, each a pure function from the list it read to the list
 * to write and its audit rows. Every definition written goes through {@link UpstreamDefinitions#parse} (the parser of
 * UPSTREAMS): what the API accepts is exactly what the environment would.
 */
public final class UpstreamEdits {
    private static final Pattern FIELD = Pattern.compile("^upstream\\.([A-Za-z_\\-]+(?:\\[\\d+])?)");
    private static final Pattern UNKNOWN = Pattern.compile("^upstream has an unknown field \"([^\"]*)\"");

    /** Why an edit cannot be made: answered as an OpenAI-shaped error with this status. */
    public static final class Refusal extends RuntimeException {
        public final int status;
        public final String code;
        public final String param;

        public Refusal(int status, String code, String param, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.param = param;
        }
    }

    /** The list to write and what to audit. */
    public record Change(List<Row> next, List<AuditRow> audit, String upstream) {}

    private UpstreamEdits() {}

    public static Change create(List<Row> rows, ObjectNode body, String actor, long now) {
        ObjectNode def = normalized(body);
        String name = def.get("name").asText();
        if (find(rows, name).isPresent()) {
            throw new Refusal(409, "upstream_exists", "name", "An upstream named '" + name + "' exists already; "
                    + "PUT or PATCH /admin/upstreams/" + name + " changes it.");
        }
        List<Row> next = new ArrayList<>(rows);
        next.add(new Row(name, def.toString()));
        return new Change(next, List.of(audit(now, actor, "create", name, Optional.empty(), Optional.of(def))), name);
    }

    public static Change replace(List<Row> rows, String name, ObjectNode body, String actor, long now) {
        int at = indexOf(rows, name);
        if (body.hasNonNull("name") && !body.get("name").asText().equals(name)) {
            throw new Refusal(400, "invalid_field", "name", "The name in the body ('" + body.get("name").asText()
                    + "') is not the upstream's ('" + name + "'); upstreams are not renamed: create a new one and delete this.");
        }
        ObjectNode withName = body.deepCopy();
        withName.put("name", name);
        return put(rows, at, normalized(withName), actor, now, "replace");
    }

    /** Top-level fields of the body replace the stored ones; {@code null} removes one (back to its default). */
    public static Change patch(List<Row> rows, String name, ObjectNode body, String actor, long now) {
        int at = indexOf(rows, name);
        ObjectNode merged = (ObjectNode) parse(rows.get(at).definition()).deepCopy();
        for (String f : UpstreamChanges.names(body)) {
            if (f.equals("name") && !body.get(f).asText().equals(name)) {
                throw new Refusal(400, "invalid_field", "name", "Upstreams are not renamed: create a new one and delete this.");
            }
            if (body.get(f).isNull()) merged.remove(f);
            else merged.set(f, body.get(f));
        }
        return put(rows, at, normalized(merged), actor, now, "update");
    }

    public static Change delete(List<Row> rows, String name, String actor, long now) {
        int at = indexOf(rows, name);
        if (rows.size() == 1) {
            throw new Refusal(409, "last_upstream", null, "'" + name + "' is the relay's only upstream; add another before "
                    + "deleting it (a relay without upstreams could not answer anything).");
        }
        List<Row> next = new ArrayList<>(rows);
        Row gone = next.remove(at);
        return new Change(next, List.of(audit(now, actor, "delete", name, Optional.of(parse(gone.definition())),
                Optional.empty())), name);
    }

    /** {@code {"keys":["sk-…", …]}} (or one comma-separated string, or {@code "key"}): appended to the upstream's keys. */
    public static Change addKeys(List<Row> rows, String name, ObjectNode body, String actor, long now) {
        int at = indexOf(rows, name);
        for (String f : UpstreamChanges.names(body)) {
            if (!f.equals("keys") && !f.equals("key")) {
                throw new Refusal(400, "invalid_field", f, "Unknown field '" + f + "'; send {\"keys\":[\"sk-...\"]}.");
            }
        }
        List<String> added = new ArrayList<>();
        for (JsonNode v : List.of(body.path("keys"), body.path("key"))) {
            if (v.isMissingNode() || v.isNull()) continue;
            if (v.isTextual()) {
                for (String k : v.asText().split("[,\\s]+")) if (!k.isBlank()) added.add(k.trim());
            } else if (v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                        throw new Refusal(400, "invalid_field", "keys[" + i + "]", "keys[" + i + "] must be an API key (a string).");
                    }
                    added.add(v.get(i).asText().trim());
                }
            } else {
                throw new Refusal(400, "invalid_field", "keys", "keys must be a list of API keys.");
            }
        }
        if (added.isEmpty()) throw new Refusal(400, "invalid_field", "keys", "Send at least one key: {\"keys\":[\"sk-...\"]}.");
        ObjectNode def = (ObjectNode) parse(rows.get(at).definition()).deepCopy();
        ArrayNode keys = def.putArray("keys");
        List<String> before = UpstreamChanges.keys(parse(rows.get(at).definition()));
        for (String k : before) keys.add(k);
        for (String k : added) {
            if (before.contains(k)) {
                throw new Refusal(409, "key_exists", "keys", "The upstream holds that key already (" + UpstreamChanges.hint(k) + ").");
            }
            keys.add(k);
        }
        return put(rows, at, normalized(def), actor, now, "add_keys");
    }

    /** {@code ref}: the key's alias ({@code key-2}), its position (2) or its hint ({@code sk-…abcd}) when that is unique. */
    public static Change removeKey(List<Row> rows, String name, String ref, String actor, long now) {
        int at = indexOf(rows, name);
        ObjectNode def = (ObjectNode) parse(rows.get(at).definition()).deepCopy();
        List<String> keys = new ArrayList<>(UpstreamChanges.keys(def));
        int index = -1;
        Matcher n = Pattern.compile("(?:key-)?(\\d{1,4})").matcher(ref);
        if (n.matches()) {
            index = Integer.parseInt(n.group(1)) - 1;
        } else {
            for (int i = 0; i < keys.size(); i++) {
                if (UpstreamChanges.hint(keys.get(i)).equals(ref) && !ref.equals("…")) {
                    if (index >= 0) {
                        throw new Refusal(409, "ambiguous_key", null, "Two keys have the hint '" + ref + "'; name it by position (key-N).");
                    }
                    index = i;
                }
            }
        }
        if (index < 0 || index >= keys.size()) {
            throw new Refusal(404, "upstream_key_not_found", null, "Upstream '" + name + "' has no key '" + ref + "' ("
                    + keys.size() + " key(s): key-1 … key-" + keys.size() + ").");
        }
        keys.remove(index);
        ArrayNode out = def.putArray("keys");
        keys.forEach(out::add);
        return put(rows, at, normalized(def), actor, now, "remove_key");
    }

    /** The upstreams of a stored list, parsed (as at start: a stored definition the parser refuses fails loudly). */
    public static List<UpstreamEndpoint> endpoints(List<Row> rows) {
        List<UpstreamEndpoint> out = new ArrayList<>();
        for (Row r : rows) out.add(UpstreamDefinitions.parse("upstreams[" + r.name() + "]", r.definition()));
        return out;
    }

    private static Change put(List<Row> rows, int at, ObjectNode def, String actor, long now, String action) {
        String name = rows.get(at).name();
        List<Row> next = new ArrayList<>(rows);
        next.set(at, new Row(name, def.toString()));
        return new Change(next, List.of(audit(now, actor, action, name, Optional.of(parse(rows.get(at).definition())),
                Optional.of(def))), name);
    }

    /** Parsed by the UPSTREAMS parser; stored with its name and its keys as a list (so keys can be added and removed). */
    static ObjectNode normalized(ObjectNode body) {
        UpstreamEndpoint e;
        try {
            e = UpstreamDefinitions.parse("upstream", body.toString());
        } catch (ConfigException bad) {
            throw invalid(bad.getMessage());
        }
        ObjectNode def = body.deepCopy();
        def.put("name", e.name());
        ArrayNode keys = def.putArray("keys");
        for (Secret k : e.keys()) keys.add(k.reveal());
        return def;
    }

    static Refusal invalid(String message) {
        Matcher f = FIELD.matcher(message);
        Matcher u = UNKNOWN.matcher(message);
        String param = f.find() ? f.group(1) : u.find() ? u.group(1) : null;
        return new Refusal(400, param == null ? "invalid_json" : "invalid_field", param, message);
    }

    static AuditRow audit(long now, String actor, String action, String name, Optional<JsonNode> before, Optional<JsonNode> after) {
        return new AuditRow(now, actor, action, name, UpstreamChanges.summary(before, after));
    }

    static JsonNode parse(String definition) {
        try {
            return UpstreamChanges.JSON.readTree(definition);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored upstream definition is not JSON", e);
        }
    }

    private static Optional<Row> find(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    private static int indexOf(List<Row> rows, String name) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).name().equals(name)) return i;
        throw new Refusal(404, "upstream_not_found", null, "No upstream named '" + name + "'. GET /admin/upstreams lists them.");
    }

    /** For the seed: the environment's upstreams as rows. */
    static List<Row> rowsOf(List<UpstreamEndpoint> endpoints) {
        List<Row> out = new ArrayList<>();
        for (UpstreamEndpoint e : endpoints) out.add(new Row(e.name(), UpstreamDefinitions.toJson(e)));
        return out;
    }

}
