package modrelay.relay.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one spelling of a request path that every later step reads and that goes upstream.
 *
 * <p>Built from the decoded segments Akka parsed: empty segments (doubled slashes, a trailing slash)
 * are merged away; case is kept for forwarding, {@link #lower()} is what recognition compares. Paths
 * that no OpenAI-style API uses and that servers disagree about are refused rather than guessed at:
 * an encoded {@code /} or {@code \}, {@code ;} path parameters, NUL or other control characters,
 * {@code .} or {@code ..} segments, segments with leading or trailing blanks. Upstream then gets
 * {@link #encoded()}: the same segments, percent-encoded the one way, so it serves exactly the path
 * the relay judged. Pure.
 */
public record CanonicalPath(List<String> segments, String decoded, String lower, String encoded) {

    /** What parsing a path gives: the canonical path, or why it is refused. */
    public sealed interface Result permits Valid, Invalid {}

    public record Valid(CanonicalPath path) implements Result {}

    /** @param reason safe to show the client (it names the rule, not the whole path) */
    public record Invalid(String reason) implements Result {}

    public CanonicalPath {
        segments = List.copyOf(segments);
    }

    /** @param decodedSegments the path's segments as Akka decoded them ({@code Uri.pathSegments()}) */
    public static Result of(Iterable<String> decodedSegments) {
        List<String> kept = new ArrayList<>();
        for (String s : decodedSegments) {
            if (s.isEmpty()) continue;
            String why = refusal(s);
            if (why != null) return new Invalid(why);
            kept.add(s);
        }
        String decoded = "/" + String.join("/", kept);
        StringBuilder enc = new StringBuilder(decoded.length() + 8);
        for (String s : kept) enc.append('/').append(encodeSegment(s));
        if (kept.isEmpty()) enc.append('/');
        return new Valid(new CanonicalPath(kept, decoded, decoded.toLowerCase(Locale.ROOT), enc.toString()));
    }

    /** The path with {@code prefix} (already canonical, e.g. "/openai-relay") taken off, or null when it is not under it. */
    public CanonicalPath under(CanonicalPath prefix) {
        if (prefix.segments.isEmpty()) return this;
        if (segments.size() < prefix.segments.size()) return null;
        for (int i = 0; i < prefix.segments.size(); i++) {
            if (!segments.get(i).equals(prefix.segments.get(i))) return null;
        }
        Result r = of(segments.subList(prefix.segments.size(), segments.size()));
        return ((Valid) r).path();
    }

    private static String refusal(String segment) {
        if (segment.equals(".") || segment.equals("..")) return "the path contains a '.' or '..' segment";
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') return "the path contains an encoded '/' or a '\\'";
            if (c == ';') return "the path contains ';' (path parameters are not used by this API)";
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) return "the path contains a control character";
        }
        if (blank(segment.charAt(0)) || blank(segment.charAt(segment.length() - 1))) {
            return "a path segment starts or ends with a blank";
        }
        return null;
    }

    private static boolean blank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200b' || c == '\ufeff';
    }

    /** RFC 3986 pchar without ';' (refused above): unreserved, the other sub-delims, ':' and '@' stay as they are. */
    static String encodeSegment(String segment) {
        StringBuilder out = null;
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || "-._~!$&'()*+,=:@".indexOf(b) >= 0;
            if (plain) {
                if (out != null) out.append((char) b);
            } else {
                if (out == null) {
                    out = new StringBuilder(bytes.length * 3);
                    for (int j = 0; j < i; j++) out.append((char) (bytes[j] & 0xff));
                }
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out == null ? segment : out.toString();
    }
}
