package modrelay.relay.admin;

import modrelay.relay.access.SubKeyBudgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import modrelay.moderation.ModerationLevel;
import modrelay.relay.access.EndpointRules;
import modrelay.relay.access.SubKeyBinding;
import modrelay.relay.access.SubKeyPatch;
import modrelay.relay.endpoint.Group;

/**
 * The JSON bodies of POST and PATCH /admin/keys, validated; every refusal names the field.
 *
 * <pre>
 * {"name": "acme",                           required on create
 *  "expires_at": "2030-01-01T00:00:00Z",     RFC 3339, in the future; null = never
 *  "remaining_requests": 1000,               0 or more; null = no limit
 *  "requests_per_minute": 60,                1-1000000; null = no limit
 *  "allowed_models": ["gpt-4o*"],            globs; [] = every model not denied
 *  "denied_models": ["gpt-4o-audio*"],       globs; win over allowed_models
 *  "moderation_floor": "high",                "low" | "high"; null or "off" = the relay's policy
 *  "allowed_endpoints": ["chat", "files"],   groups, endpoint names ("files.create") or "*";
 *                                            null = the defaults; omitted on create = the defaults
 *  "token_budget": 1000000,                  tokens in all; null = no limit (so are the next four)
 *  "tokens_per_day": 100000,                 per UTC day
 *  "tokens_per_month": 2000000,              per UTC month
 *  "tokens_per_minute": 20000,               per minute
 *  "spend_budget": 25.0,                     money at the operator's PRICES
 *  "upstream": "deepseek",                   the upstream (UPSTREAMS name) every request goes to; null = by model
 *  "model": "gpt-4o-mini",                   the model every model-running request is routed and sent as;
 *                                            null = the client's (see access/ModelPin)
 *  "defaults": {"temperature": 0.3},         parameters added when a request omits them; null or {} = none
 *  "caps": {"max_tokens": 1024}}             numeric parameters bounded (added when omitted); null or {} = none
 * </pre>
 */
public final class KeyRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("name", "expires_at", "remaining_requests", "requests_per_minute",
            "allowed_models", "denied_models", "moderation_floor", "allowed_endpoints", "token_budget", "tokens_per_day",
            "tokens_per_month", "tokens_per_minute", "spend_budget",
            "upstream", "model", "defaults", "caps");

    private KeyRequests() {}

    /** A body the admin API refuses; the message names the field. */
    public static final class Invalid extends Exception {
        private final String field;

        Invalid(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public record NewKey(String name, Optional<Instant> expiresAt, Optional<Long> remaining, Optional<Integer> rpm,
            List<String> allowedModels, List<String> deniedModels, Optional<ModerationLevel> floor, EndpointRules endpoints,
            SubKeyBudgets budgets, SubKeyBinding binding) {}

    public static NewKey create(byte[] body, Instant now, boolean moderatorAvailable) throws Invalid {
        SubKeyPatch p = patch(body, now, moderatorAvailable);
        if (p.name().isEmpty()) throw new Invalid("name", "'name' is required: a label for the key, like the customer's name");
        return new NewKey(p.name().get(), p.expiresAt().flatMap(x -> x), p.remaining().flatMap(x -> x), p.rpm().flatMap(x -> x),
                p.allowedModels().orElse(List.of()), p.deniedModels().orElse(List.of()), p.floor().flatMap(x -> x),
                p.endpoints().orElse(EndpointRules.DEFAULT), p.budgets().applied(), p.binding().applyTo(SubKeyBinding.NONE));
    }

    public static SubKeyPatch patch(byte[] body, Instant now, boolean moderatorAvailable) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new Invalid(null, "The body must be a JSON object.");
        }
        if (root == null || !root.isObject()) throw new Invalid(null, "The body must be a JSON object.");
        Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!FIELDS.contains(n)) {
                throw new Invalid(n, "Unknown field '" + n + "'; known fields: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        return new SubKeyPatch(name(root), expiresAt(root, now), remaining(root), rpm(root), models(root, "allowed_models"),
                models(root, "denied_models"), floor(root, moderatorAvailable), endpoints(root), budgets(root),
                new SubKeyBinding.Patch(upstream(root), pinnedModel(root), defaults(root), caps(root)));
    }

    private static SubKeyBudgets.Patch budgets(JsonNode root) throws Invalid {
        return new SubKeyBudgets.Patch(tokens(root, "token_budget"), tokens(root, "tokens_per_day"),
                tokens(root, "tokens_per_month"), tokens(root, "tokens_per_minute"), money(root, "spend_budget"));
    }

    private static Optional<Optional<Long>> tokens(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 1) {
            throw new Invalid(field, "'" + field + "' must be a whole number of tokens, 1 or more, or null for no limit");
        }
        return Optional.of(Optional.of(n.longValue()));
    }

    private static Optional<Optional<Double>> money(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        if (!n.isNumber() || n.doubleValue() < 0 || Double.isInfinite(n.doubleValue())) {
            throw new Invalid(field, "'" + field + "' must be an amount, 0 or more (at PRICES), or null for no limit");
        }
        return Optional.of(Optional.of(n.doubleValue()));
    }

    private static Optional<String> name(JsonNode root) throws Invalid {
        JsonNode n = root.get("name");
        if (n == null) return Optional.empty();
        if (!n.isTextual() || n.textValue().isBlank() || n.textValue().length() > 200) {
            throw new Invalid("name", "'name' must be a non-empty string of at most 200 characters");
        }
        return Optional.of(n.textValue().trim());
    }

    private static Optional<Optional<Instant>> expiresAt(JsonNode root, Instant now) throws Invalid {
        JsonNode n = root.get("expires_at");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        String msg = "'expires_at' must be an RFC 3339 time like \"2030-01-31T00:00:00Z\", or null for never";
        if (!n.isTextual()) throw new Invalid("expires_at", msg);
        Instant t;
        try {
            t = OffsetDateTime.parse(n.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw new Invalid("expires_at", msg);
        }
        if (!t.isAfter(now)) throw new Invalid("expires_at", "'expires_at' must be in the future, got " + n.textValue());
        return Optional.of(Optional.of(t));
    }

    private static Optional<Optional<Long>> remaining(JsonNode root) throws Invalid {
        JsonNode n = root.get("remaining_requests");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new Invalid("remaining_requests", "'remaining_requests' must be a whole number, 0 or more, or null for no limit");
        }
        return Optional.of(Optional.of(n.longValue()));
    }

    private static Optional<Optional<Integer>> rpm(JsonNode root) throws Invalid {
        JsonNode n = root.get("requests_per_minute");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1 || n.intValue() > 1_000_000) {
            throw new Invalid("requests_per_minute", "'requests_per_minute' must be a whole number from 1 to 1000000, or null for no limit");
        }
        return Optional.of(Optional.of(n.intValue()));
    }

    private static Optional<List<String>> models(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) return Optional.empty();
        String msg = "'" + field + "' must be an array of model names or globs like \"gpt-4o*\" (at most 100, no spaces)";
        if (!n.isArray() || n.size() > 100) throw new Invalid(field, msg);
        List<String> out = new ArrayList<>();
        for (JsonNode g : n) {
            if (!g.isTextual() || g.textValue().isBlank() || g.textValue().length() > 200 || g.textValue().matches(".*\\s.*")) {
                throw new Invalid(field, msg);
            }
            out.add(g.textValue());
        }
        return Optional.of(List.copyOf(out));
    }

    private static Optional<EndpointRules> endpoints(JsonNode root) throws Invalid {
        JsonNode n = root.get("allowed_endpoints");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(EndpointRules.DEFAULT);
        String msg = "'allowed_endpoints' must be a non-empty array of groups ("
                + String.join(", ", java.util.Arrays.stream(Group.values()).map(Group::id).toList())
                + "), endpoint names like \"files.create\" "
                + "(see docs/moderation.md), or \"*\" for every endpoint; null for the defaults";
        if (!n.isArray() || n.size() > 200) throw new Invalid("allowed_endpoints", msg);
        List<String> names = new ArrayList<>();
        for (JsonNode g : n) {
            if (!g.isTextual()) throw new Invalid("allowed_endpoints", msg);
            names.add(g.textValue());
        }
        try {
            return Optional.of(EndpointRules.parse(names));
        } catch (IllegalArgumentException bad) {
            throw new Invalid("allowed_endpoints", bad.getMessage() + ": " + msg);
        }
    }

    private static Optional<Optional<ModerationLevel>> floor(JsonNode root, boolean moderatorAvailable) throws Invalid {
        JsonNode n = root.get("moderation_floor");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        String v = n.isTextual() ? n.textValue().trim().toLowerCase(Locale.ROOT) : "";
        if (v.equals("off")) return Optional.of(Optional.empty());
        if (!v.equals("low") && !v.equals("high")) {
            throw new Invalid("moderation_floor", "'moderation_floor' must be \"low\", \"high\", \"off\" or null");
        }
        if (!moderatorAvailable) {
            throw new Invalid("moderation_floor", "'moderation_floor' needs a moderator: this relay has none configured "
                    + "(TENCENT_CLOUD_SID/TENCENT_CLOUD_SKEY or MODERATION_KEYWORDS_FILE)");
        }
        return Optional.of(Optional.of(v.equals("high") ? ModerationLevel.HIGH : ModerationLevel.LOW));
    }

    private static Optional<Optional<String>> upstream(JsonNode root) throws Invalid {
        JsonNode n = root.get("upstream");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(Optional.empty());
        if (!n.isTextual() || !n.textValue().matches("[A-Za-z0-9._\\-]{1,64}")) {
            throw new Invalid("upstream", "'upstream' must be the name of an upstream in UPSTREAMS (1-64 letters, digits, "
                    + "'.', '_' or '-'), or null to route by model");
        }
        return Optional.of(Optional.of(n.textValue()));
    }

    /** A model name as the model rules read one: 1-256 printable ASCII characters, no spaces. */
    private static Optional<Optional<String>> pinnedModel(JsonNode root) throws Invalid {
        JsonNode n = root.get("model");
        if (n == null) return Optional.empty();
        if (n.isNull() || (n.isTextual() && n.textValue().isEmpty())) return Optional.of(Optional.empty());
        if (!n.isTextual() || !n.textValue().matches("[\\x21-\\x7e]{1,256}")) {
            throw new Invalid("model", "'model' must be a model name (1-256 printable ASCII characters, no spaces) that "
                    + "every request of the key is routed and sent as, or null to keep the client's");
        }
        return Optional.of(Optional.of(n.textValue()));
    }

    private static Optional<java.util.Map<String, String>> defaults(JsonNode root) throws Invalid {
        JsonNode n = root.get("defaults");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(java.util.Map.of());
        if (!n.isObject() || n.size() > SubKeyBinding.MAX_ENTRIES) {
            throw new Invalid("defaults", "'defaults' must be an object of at most " + SubKeyBinding.MAX_ENTRIES
                    + " parameters, like {\"temperature\": 0.3}, or null for none");
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            Optional<String> why = SubKeyBinding.refusedName(e.getKey());
            if (why.isPresent()) throw new Invalid("defaults", "'defaults." + e.getKey() + "': " + why.get());
            out.put(e.getKey(), e.getValue().toString());
        }
        return Optional.of(out);
    }

    private static Optional<java.util.Map<String, java.math.BigDecimal>> caps(JsonNode root) throws Invalid {
        JsonNode n = root.get("caps");
        if (n == null) return Optional.empty();
        if (n.isNull()) return Optional.of(java.util.Map.of());
        String msg = "'caps' must be an object of at most " + SubKeyBinding.MAX_ENTRIES
                + " numeric parameters with their largest value, like {\"max_tokens\": 1024}, or null for none";
        if (!n.isObject() || n.size() > SubKeyBinding.MAX_ENTRIES) throw new Invalid("caps", msg);
        java.util.Map<String, java.math.BigDecimal> out = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            Optional<String> why = SubKeyBinding.refusedName(e.getKey());
            if (why.isPresent()) throw new Invalid("caps", "'caps." + e.getKey() + "': " + why.get());
            if (!e.getValue().isNumber() || e.getValue().decimalValue().signum() < 0) {
                throw new Invalid("caps", "'caps." + e.getKey() + "' must be a number, 0 or more: " + msg);
            }
            out.put(e.getKey(), e.getValue().decimalValue());
        }
        return Optional.of(out);
    }
}
