package modrelay.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variable names of the relays modrelay grows from, read as modrelay's own names, so a
 * seed project's {@code docker run} line or compose file starts the relay unchanged:
 * chatgpt_reverse_proxy's {@code OXY_TARGET}, {@code OXY_PORT}, {@code OXY_HOP_HEADER_PREFIX} and
 * openai-forward's {@code FORWARD_KEY}. The new name wins when both are set.
 *
 * <p>openai-forward's {@code OPENAI_API_KEY} (its server keys) is read as {@code OPENAI_KEY} only when
 * {@code READ_OPENAI_API_KEY=true}: that variable is set in many shells and CI environments for other
 * tools, and reading it silently would turn a relay whose clients bring their own keys into one that
 * spends the operator's key for anyone who reaches it.
 */
public final class EnvAliases {
    /** old name → modrelay's name, in the order the start-up line lists them. */
    static final Map<String, String> ALIASES = orderedAliases();
    public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
    public static final String READ_OPENAI_API_KEY = "READ_OPENAI_API_KEY";

    /** Seed settings modrelay does not read (no counterpart, or one with other semantics): named at start so no one relies on them. */
    static final List<String> UNREAD = List.of("OXY_API_TYPE", "OXY_API_KEY", "OXY_AUTH_TYPE", "OXY_AUTH_FORWARD_URL",
            "OXY_AUTH_FORWARD_REQUEST_HEADERS", "OXY_AUTH_FORWARD_RESPONSE_HEADERS", "EXTRA_BASE_URL", "EXTRA_ROUTE_PREFIX",
            "OPENAI_ROUTE_PREFIX", "REQ_RATE_LIMIT", "GLOBAL_RATE_LIMIT", "TOKEN_RATE_LIMIT");

    /** One old name read as a new one. */
    public record Use(String alias, String name) {
        @Override
        public String toString() {
            return alias + " as " + name;
        }
    }

    private EnvAliases() {}

    private static Map<String, String> orderedAliases() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("OXY_TARGET", "UPSTREAM_URL");
        m.put("OXY_PORT", "PORT");
        m.put("OXY_HOP_HEADER_PREFIX", "HOP_HEADER_PREFIX");
        m.put("FORWARD_KEY", "PROXY_KEY");
        return m;
    }

    /** The environment with every alias in use copied to its new name (the input is not changed). */
    public static Map<String, String> apply(Map<String, String> env) {
        List<Use> uses = used(env);
        if (uses.isEmpty()) return env;
        Map<String, String> out = new HashMap<>(env);
        for (Use u : uses) out.put(u.name(), env.get(u.alias()));
        return out;
    }

    /** The aliases this environment relies on: set, and their new name not set (blank counts as unset). */
    public static List<Use> used(Map<String, String> env) {
        List<Use> out = new ArrayList<>();
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            if (set(env, a.getKey()) && !set(env, a.getValue())) out.add(new Use(a.getKey(), a.getValue()));
        }
        if (readsOpenAiApiKey(env) && set(env, OPENAI_API_KEY) && !set(env, "OPENAI_KEY")) {
            out.add(new Use(OPENAI_API_KEY, "OPENAI_KEY"));
        }
        return out;
    }

    /**
     * What the start-up line should warn about: seed variables that are set but not read, OPENAI_API_KEY
     * included when its switch is off. Names only, never values.
     */
    public static List<String> ignored(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            if (set(env, a.getKey()) && set(env, a.getValue())) out.add(a.getKey() + " (" + a.getValue() + " is set and wins)");
        }
        if (set(env, OPENAI_API_KEY)) {
            if (!readsOpenAiApiKey(env)) out.add(OPENAI_API_KEY + " (set " + READ_OPENAI_API_KEY + "=true to use it as OPENAI_KEY)");
            else if (set(env, "OPENAI_KEY")) out.add(OPENAI_API_KEY + " (OPENAI_KEY is set and wins)");
        }
        for (String n : UNREAD) if (set(env, n)) out.add(n + " (no counterpart here)");
        return out;
    }

    /** A start-up error about a variable that came from an alias names the variable the user wrote. */
    static String nameAlias(String message, List<Use> uses) {
        for (Use u : uses) {
            if (message.startsWith(u.name() + " ")) return u.alias() + " (read as " + u.name() + ")" + message.substring(u.name().length());
        }
        return message;
    }

    private static boolean readsOpenAiApiKey(Map<String, String> env) {
        String v = env.get(READ_OPENAI_API_KEY);
        if (v == null || v.isBlank()) return false;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(READ_OPENAI_API_KEY + " must be true or false, got \"" + v.trim() + "\"");
        };
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }
}
