package modrelay.relay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import modrelay.config.Secret;

/**
 * The effective settings as JSON, every secret redacted: the settings records walked field by field
 * (so a setting added later shows up without a change here), names in snake_case. Three guards, each
 * enough on its own for what it covers:
 * <ol>
 * <li>a {@link Secret} is never read: it shows as {@value #REDACTED};</li>
 * <li>a text whose name says key, token, secret, password or credential is redacted, and so is a URL's
 *     user info and any query parameter whose name says so;</li>
 * <li>last, every text shown is compared with every secret of the tree, and one that holds a secret is
 *     redacted whole (a secret copied into a plain string by some future setting).</li>
 * </ol>
 */
final class ConfigView {
    static final String REDACTED = "[redacted]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SECRET_WORDS = Set.of("key", "keys", "token", "tokens", "secret", "secrets", "password",
            "passwords", "pass", "credential", "credentials", "skey", "sid", "apikey", "signature");
    private static final int MAX_DEPTH = 12;

    private final List<String> secrets = new ArrayList<>();

    private ConfigView() {}

    static JsonNode of(Object settings) {
        ConfigView v = new ConfigView();
        v.collectSecrets(settings, 0);
        return v.value(settings, "", 0);
    }

    private JsonNode value(Object o, String name, int depth) {
        if (o == null) return JSON.nullNode();
        if (depth > MAX_DEPTH) return JSON.getNodeFactory().textNode("…");
        if (o instanceof Secret) return text(REDACTED);
        if (o instanceof Optional<?> opt) return opt.isPresent() ? value(opt.get(), name, depth + 1) : JSON.nullNode();
        if (o instanceof Boolean b) return JSON.getNodeFactory().booleanNode(b);
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return JSON.getNodeFactory().numberNode(((Number) o).longValue());
        }
        if (o instanceof Number n) return JSON.getNodeFactory().numberNode(n.doubleValue());
        if (o instanceof Duration d) return text(duration(d));
        if (o instanceof Enum<?> e) return text(e.name().toLowerCase(Locale.ROOT));
        if (o instanceof Path p) return shown(p.toString(), name);
        if (o instanceof URI u) return shown(url(u.toString()), name);
        if (o instanceof CharSequence s) return shown(s.toString(), name);
        if (o instanceof Collection<?> c) {
            ArrayNode a = JSON.createArrayNode();
            for (Object x : c) a.add(value(x, name, depth + 1));
            return a;
        }
        if (o instanceof Map<?, ?> m) {
            ObjectNode out = JSON.createObjectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = snake(String.valueOf(e.getKey()));
                out.set(k, value(e.getValue(), k, depth + 1));
            }
            return out;
        }
        if (o.getClass().isRecord()) {
            ObjectNode out = JSON.createObjectNode();
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                String k = snake(rc.getName());
                out.set(k, value(component(o, rc), k, depth + 1));
            }
            return out;
        }
        // A type this walk does not know: its text, through the same guards.
        return shown(url(o.toString()), name);
    }

    private JsonNode shown(String s, String name) {
        if (secretName(name)) return text(REDACTED);
        for (String secret : secrets) if (s.contains(secret)) return text(REDACTED);
        return text(s);
    }

    private void collectSecrets(Object o, int depth) {
        if (o == null || depth > MAX_DEPTH) return;
        if (o instanceof Secret s) {
            // A very short secret would match everywhere (and is refused elsewhere); its field is redacted anyway.
            if (s.reveal().length() >= 4) secrets.add(s.reveal());
        } else if (o instanceof Optional<?> opt) {
            opt.ifPresent(x -> collectSecrets(x, depth + 1));
        } else if (o instanceof Collection<?> c) {
            for (Object x : c) collectSecrets(x, depth + 1);
        } else if (o instanceof Map<?, ?> m) {
            for (Object x : m.values()) collectSecrets(x, depth + 1);
        } else if (o.getClass().isRecord()) {
            for (RecordComponent rc : o.getClass().getRecordComponents()) collectSecrets(component(o, rc), depth + 1);
        }
    }

    private static Object component(Object record, RecordComponent rc) {
        try {
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    static boolean secretName(String snake) {
        for (String w : snake.split("_")) if (SECRET_WORDS.contains(w)) return true;
        return false;
    }

    /** User info and secret-looking query values of a URL out; anything else as it is. */
    static String url(String s) {
        int scheme = s.indexOf("://");
        if (scheme < 0) return s;
        int authority = scheme + 3;
        int pathStart = s.length();
        for (int i = authority; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                pathStart = i;
                break;
            }
        }
        String host = s.substring(authority, pathStart);
        int at = host.lastIndexOf('@');
        if (at >= 0) host = REDACTED + "@" + host.substring(at + 1);
        String rest = s.substring(pathStart);
        int q = rest.indexOf('?');
        if (q >= 0) {
            StringBuilder b = new StringBuilder(rest.substring(0, q + 1));
            String[] pairs = rest.substring(q + 1).split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                if (i > 0) b.append('&');
                int eq = pairs[i].indexOf('=');
                String n = (eq < 0 ? pairs[i] : pairs[i].substring(0, eq)).toLowerCase(Locale.ROOT);
                boolean secret = SECRET_WORDS.stream().anyMatch(n::contains) || n.contains("auth") || n.equals("sig");
                b.append(eq >= 0 && secret ? n + "=" + REDACTED : pairs[i]);
            }
            rest = b.toString();
        }
        return s.substring(0, authority) + host + rest;
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return "0";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && camel.charAt(i - 1) != '_') b.append('_');
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c == '-' ? '_' : c);
            }
        }
        return b.toString();
    }

    private static JsonNode text(String s) {
        return JSON.getNodeFactory().textNode(s);
    }
}
