package modrelay.relay.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import modrelay.relay.request.BodyEdit;

/**
 * What a sub-key is bound to, as openai-style-api binds a client token to one provider configuration: an
 * upstream its requests go to (by name, the others are not tried), a model every request runs whatever the
 * client named (one-api's model mapping, for one key), parameters added when a request omits them, and numeric
 * caps ({@code max_tokens} …). The model pin, defaults and caps are spliced into the one reading of a JSON body
 * on its way upstream ({@link BodyEdit}, {@link ModelPin}); what the relay judges for moderation (stream,
 * messages, the moderation flags) is never among them, so the moderation decision is the same with or without a
 * binding.
 *
 * @param upstream the upstream's name (UPSTREAMS' {@code name}); empty: routed by model as any key
 * @param model    the model every model-running request is routed and sent as; empty: the client's
 * @param defaults parameter name → JSON value text
 * @param caps     parameter name → the largest value sent
 */
public record SubKeyBinding(Optional<String> upstream, Optional<String> model, Map<String, String> defaults,
        Map<String, BigDecimal> caps) {
    public static final SubKeyBinding NONE = new SubKeyBinding(Optional.empty(), Optional.empty(), Map.of(), Map.of());
    /** What decides routing, rules or moderation, or what the relay reads as the user's text: not a binding's to set. */
    public static final Set<String> RESERVED = Set.of("model", "stream", "stream_options", "messages", "input", "prompt",
            "moderation", "moderation_level", "moderation_input", "modalities", "audio", "n");
    public static final int MAX_ENTRIES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A binding without a model pin. */
    public SubKeyBinding(Optional<String> upstream, Map<String, String> defaults, Map<String, BigDecimal> caps) {
        this(upstream, Optional.empty(), defaults, caps);
    }

    public SubKeyBinding {
        defaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        caps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(caps));
    }

    /** The edit this binding makes to a body on an endpoint where parameters mean generation settings. */
    public BodyEdit edit() {
        if (defaults.isEmpty() && caps.isEmpty()) return BodyEdit.NONE;
        return new BodyEdit(Set.of(), defaults, caps);
    }

    /** A change to a binding: each part empty to keep it, present to replace it (an empty map or Optional clears it). */
    public record Patch(Optional<Optional<String>> upstream, Optional<Optional<String>> model,
            Optional<Map<String, String>> defaults, Optional<Map<String, BigDecimal>> caps) {
        public static final Patch NONE = new Patch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        /** A patch that leaves the model pin as it is. */
        public Patch(Optional<Optional<String>> upstream, Optional<Map<String, String>> defaults,
                Optional<Map<String, BigDecimal>> caps) {
            this(upstream, Optional.empty(), defaults, caps);
        }

        public boolean isEmpty() {
            return upstream.isEmpty() && model.isEmpty() && defaults.isEmpty() && caps.isEmpty();
        }

        public SubKeyBinding applyTo(SubKeyBinding b) {
            return new SubKeyBinding(upstream.orElse(b.upstream()), model.orElse(b.model()), defaults.orElse(b.defaults()),
                    caps.orElse(b.caps()));
        }
    }

    /** The stored form: {@code {"upstream": "...", "model": "...", "defaults": {...}, "caps": {...}}}. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        upstream.ifPresent(u -> o.put("upstream", u));
        model.ifPresent(m -> o.put("model", m));
        o.set("defaults", defaultsNode());
        o.set("caps", capsNode());
        return o.toString();
    }

    public ObjectNode defaultsNode() {
        ObjectNode d = JSON.createObjectNode();
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            try {
                d.set(e.getKey(), JSON.readTree(e.getValue()));
            } catch (JsonProcessingException bad) {
                throw new IllegalStateException("a stored default is not JSON", bad);
            }
        }
        return d;
    }

    public ObjectNode capsNode() {
        ObjectNode c = JSON.createObjectNode();
        caps.forEach(c::put);
        return c;
    }

    public static SubKeyBinding fromJson(String json) throws JsonProcessingException {
        JsonNode n = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        Optional<String> upstream = n.hasNonNull("upstream") ? Optional.of(n.get("upstream").asText()) : Optional.empty();
        Optional<String> model = n.hasNonNull("model") ? Optional.of(n.get("model").asText()) : Optional.empty();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("defaults").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            defaults.put(e.getKey(), e.getValue().toString());
        }
        Map<String, BigDecimal> caps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("caps").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            caps.put(e.getKey(), e.getValue().decimalValue());
        }
        return new SubKeyBinding(upstream, model, defaults, caps);
    }

    /** Why {@code name} cannot be a default or cap, or empty. */
    public static Optional<String> refusedName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) return Optional.of("parameter names are 1-64 letters, digits or '_'");
        if (RESERVED.contains(name)) {
            return Optional.of("'" + name + "' is not a binding's to set (reserved: "
                    + String.join(", ", List.copyOf(new java.util.TreeSet<>(RESERVED))) + ")");
        }
        return Optional.empty();
    }
}
