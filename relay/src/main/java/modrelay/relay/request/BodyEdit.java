package modrelay.relay.request;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Changes to a JSON body's top-level members on its way upstream, spliced into the one reading
 * ({@link JsonBody#upstream(java.util.Optional, BodyEdit)}), never a second parse:
 *
 * @param drop     members taken out (an upstream rejects or ignores them)
 * @param defaults members added when the request does not set them: name → the value as JSON text
 * @param caps     numeric members bounded: a larger value, or one that is not a number, becomes the cap; an absent
 *                 one is added with the cap
 */
public record BodyEdit(Set<String> drop, Map<String, String> defaults, Map<String, BigDecimal> caps) {
    public static final BodyEdit NONE = new BodyEdit(Set.of(), Map.of(), Map.of());

    public BodyEdit {
        drop = Set.copyOf(drop);
        defaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        caps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(caps));
    }

    public boolean isEmpty() {
        return drop.isEmpty() && defaults.isEmpty() && caps.isEmpty();
    }

    /** Both edits: drops of either; where both set a default or cap, this one's. */
    public BodyEdit and(BodyEdit other) {
        if (other.isEmpty()) return this;
        if (isEmpty()) return other;
        Set<String> d = new LinkedHashSet<>(drop);
        d.addAll(other.drop);
        Map<String, String> defs = new LinkedHashMap<>(other.defaults);
        defs.putAll(defaults);
        Map<String, BigDecimal> c = new LinkedHashMap<>(other.caps);
        c.putAll(caps);
        return new BodyEdit(d, defs, c);
    }

    public static BodyEdit dropping(Set<String> fields) {
        return fields.isEmpty() ? NONE : new BodyEdit(fields, Map.of(), Map.of());
    }
}
