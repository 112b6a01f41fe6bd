package modrelay.loadtests.fakes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * How a lenient OpenAI-compatible server reads a request path, all the tolerances found in the wild at once:
 * percent-decoding (repeated, so a double-encoded path decodes too, {@code %2F} included), backslashes as
 * slashes, case folding, {@code ;params} dropped, empty and {@code .} segments dropped, {@code ..} resolved,
 * trailing blanks, dots, tildes and control characters and a {@code .json} suffix ignored, and the aliases of
 * one endpoint ({@code /chat/completions} without {@code /v1}, Azure's {@code /openai/deployments/<d>/...} and
 * {@code /openai/v1/...}, the old {@code /v1/engines/<e>/...}) mapped to the OpenAI path. Pure.
 */
public final class LenientPaths {
    private LenientPaths() {}

    /** @param rawTarget the request target as sent (path and optional query), e.g. {@code /V1//Chat/Completions;x=1?a=b} */
    public static String canonical(String rawTarget) {
        String path = rawTarget;
        // absolute-form (what a client sends to a proxy): http://host:port/path
        java.util.regex.Matcher absolute = java.util.regex.Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://[^/?#]*").matcher(path);
        if (absolute.find()) path = path.substring(absolute.end());
        int hash = path.indexOf('#');
        if (hash >= 0) path = path.substring(0, hash);
        int query = path.indexOf('?');
        if (query >= 0) path = path.substring(0, query);
        for (int i = 0; i < 3; i++) {
            String decoded = percentDecode(path);
            if (decoded.equals(path)) break;
            path = decoded;
        }
        path = path.replace('\\', '/').toLowerCase(Locale.ROOT);
        Deque<String> segments = new ArrayDeque<>();
        for (String raw : path.split("/")) {
            String s = raw;
            int semicolon = s.indexOf(';');
            if (semicolon >= 0) s = s.substring(0, semicolon);
            s = s.replaceAll("[\\p{Cntrl}\\p{Cf}]", "").strip();
            if (s.equals("..")) {
                segments.pollLast();
                continue;
            }
            s = s.replaceAll("[\\s.~]+$", "");
            if (!s.isEmpty()) segments.addLast(s);
        }
        if (!segments.isEmpty() && segments.peekLast().endsWith(".json")) {
            String last = segments.pollLast();
            segments.addLast(last.substring(0, last.length() - ".json".length()));
        }
        String joined = "/" + String.join("/", segments);
        return aliasOf(joined);
    }

    /** The query string of a raw target, "" when none. */
    public static String query(String rawTarget) {
        int q = rawTarget.indexOf('?');
        if (q < 0) return "";
        String rest = rawTarget.substring(q + 1);
        int hash = rest.indexOf('#');
        return hash >= 0 ? rest.substring(0, hash) : rest;
    }

    /** Whether the query asks for a stream the way lenient servers accept it ({@code stream=true|1|yes|on}, any case). */
    public static boolean queryAsksStream(String query) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "true" : percentDecode(pair.substring(eq + 1)).trim().toLowerCase(Locale.ROOT);
            if (name.equals("stream") && (value.equals("true") || value.equals("1") || value.equals("yes") || value.equals("on"))) {
                return true;
            }
        }
        return false;
    }

    private static String aliasOf(String p) {
        if (p.startsWith("/openai/deployments/")) {
            String rest = p.substring("/openai/deployments/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? p : "/v1" + rest.substring(slash);
        }
        if (p.startsWith("/openai/v1/")) return p.substring("/openai".length());
        if (p.startsWith("/openai/")) return "/v1" + p.substring("/openai".length());
        if (p.startsWith("/v1/engines/")) {
            String rest = p.substring("/v1/engines/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? p : "/v1" + rest.substring(slash);
        }
        if (!p.startsWith("/v1/") && !p.equals("/v1")) return "/v1" + (p.equals("/") ? "" : p);
        return p;
    }

    /** Decodes %XX (UTF-8); a malformed escape is kept as it is, as lenient servers do. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else {
                byte[] b = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
