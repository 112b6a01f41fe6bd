package modrelay.relay.tokens;

/**
 * Reads a usage object straight from its bytes, for the usual case: plain keys, integer counts, details objects of
 * integer counts, anything else skipped. It runs once per answer on the request's thread, where making a JSON parser
 * and canonicalising its long field names ({@code completion_tokens_details}) cost more than the rest of the usage
 * work together. Whatever it is not sure of (an escape in a key, a count that is not a plain integer, a value of an
 * unexpected type, a string that is not plain ASCII, bytes that are not JSON, an object cut off) it leaves to {@link UsageJson#stream},
 * by answering {@link #UNSURE}: what it does answer is what that reading gives.
 */
final class UsageBytes {
    private UsageBytes() {}

    /** Not read here: the caller reads with Jackson (compared by identity). */
    static final Usage UNSURE = new Usage(-1, -1, -1, -1, true);
    /** An object without a prompt or completion count: no usage (compared by identity). */
    static final Usage NO_COUNTS = new Usage(-2, -2, -2, -2, true);

    /** The counts a usage object holds, each with its Responses API twin next to it: chat's first. */
    private static final byte[][] COUNTS = {bytes("prompt_tokens"), bytes("input_tokens"), bytes("completion_tokens"),
            bytes("output_tokens")};
    /** The details objects, in the order of the counts they belong to, and the one count read inside each. */
    private static final byte[][] DETAILS = {bytes("prompt_tokens_details"), bytes("input_tokens_details"),
            bytes("completion_tokens_details"), bytes("output_tokens_details")};
    private static final byte[][] INNER = {bytes("cached_tokens"), bytes("cached_tokens"), bytes("reasoning_tokens"),
            bytes("reasoning_tokens")};

    /** A slot's state besides a count: not there, or JSON null. */
    private static final long ABSENT = -1;
    private static final long NULL = -2;

    /**
     * The usage the object at {@code b[at]} (a '{') gives, as {@link UsageJson#stream} reads it: {@link #NO_COUNTS}
     * where that gives none, {@link #UNSURE} when this reader leaves it to that one.
     */
    static Usage read(byte[] b, int at, int to) {
        long[] counts = {ABSENT, ABSENT, ABSENT, ABSENT}; // ABSENT, NULL, a negative (no count) or the count
        long[] details = {ABSENT, ABSENT, ABSENT, ABSENT}; // ABSENT, NULL, or the inner count (0 when none)
        int i = skipSpace(b, at + 1, to);
        if (i < to && b[i] == '}') return NO_COUNTS;
        while (true) {
            if (i >= to || b[i] != '"') return UNSURE;
            int keyStart = i + 1;
            int keyEnd = keyEnd(b, keyStart, to);
            if (keyEnd < 0) return UNSURE;
            i = skipSpace(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') return UNSURE;
            i = skipSpace(b, i + 1, to);
            if (i >= to) return UNSURE;
            int count = which(b, keyStart, keyEnd, COUNTS);
            int detail = count < 0 ? which(b, keyStart, keyEnd, DETAILS) : -1;
            int valueEnd;
            if (count >= 0) {
                valueEnd = countEnd(b, i, to);
                if (valueEnd < 0) return UNSURE;
                counts[count] = count(b, i, valueEnd);
            } else if (detail >= 0 && isNull(b, i, to)) {
                valueEnd = i + 4;
                details[detail] = NULL;
            } else if (detail >= 0 && b[i] == '{') {
                long[] inner = {0};
                valueEnd = details(b, i, to, INNER[detail], inner);
                if (valueEnd < 0) return UNSURE;
                details[detail] = inner[0];
            } else if (detail >= 0) {
                return UNSURE;
            } else {
                valueEnd = skipValue(b, i, to, 0);
                if (valueEnd < 0) return UNSURE;
            }
            i = skipSpace(b, valueEnd, to);
            if (i >= to) return UNSURE;
            if (b[i] == '}') break;
            if (b[i] != ',') return UNSURE;
            i = skipSpace(b, i + 1, to);
        }
        // as UsageJson.stream: a field present (there and not null) wins over its Responses API twin
        long pr = present(counts[0]) ? counts[0] : counts[1];
        long co = present(counts[2]) ? counts[2] : counts[3];
        if (pr < 0 && co < 0) return NO_COUNTS;
        long cached = Math.max(present(details[0]) ? details[0] : details[1], 0);
        long reasoning = Math.max(present(details[2]) ? details[2] : details[3], 0);
        return new Usage(Math.max(pr, 0), Math.max(co, 0), cached, reasoning, false);
    }

    private static boolean present(long slot) {
        return slot != ABSENT && slot != NULL;
    }

    /** The index of the key {@code b[from, to)} in {@code names}, or -1. */
    private static int which(byte[] b, int from, int to, byte[][] names) {
        for (int n = 0; n < names.length; n++) if (is(b, from, to, names[n])) return n;
        return -1;
    }

    /**
     * A details object at {@code b[at]}: its {@code name} count (the last one, 0 when none is a count) in
     * {@code inner[0]}; the offset past it, or -1 when unsure.
     */
    private static int details(byte[] b, int at, int to, byte[] name, long[] inner) {
        int i = skipSpace(b, at + 1, to);
        if (i < to && b[i] == '}') return i + 1;
        while (true) {
            if (i >= to || b[i] != '"') return -1;
            int keyStart = i + 1;
            int keyEnd = keyEnd(b, keyStart, to);
            if (keyEnd < 0) return -1;
            i = skipSpace(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') return -1;
            i = skipSpace(b, i + 1, to);
            if (i >= to) return -1;
            int valueEnd;
            if (is(b, keyStart, keyEnd, name)) {
                valueEnd = countEnd(b, i, to);
                if (valueEnd < 0) return -1;
                inner[0] = Math.max(count(b, i, valueEnd), 0);
            } else {
                valueEnd = skipValue(b, i, to, 0);
                if (valueEnd < 0) return -1;
            }
            i = skipSpace(b, valueEnd, to);
            if (i >= to) return -1;
            if (b[i] == '}') return i + 1;
            if (b[i] != ',') return -1;
            i = skipSpace(b, i + 1, to);
        }
    }

    /** The end of a count value at {@code b[at]}: null, or an integer of at most 18 digits; -1 for anything else. */
    private static int countEnd(byte[] b, int at, int to) {
        if (isNull(b, at, to)) return at + 4;
        int i = at < to && b[at] == '-' ? at + 1 : at;
        int digits = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') i++;
        int n = i - digits;
        if (n == 0 || n > 18 || (n > 1 && b[digits] == '0')) return -1;
        if (i < to && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) return -1; // a float: Jackson's to judge
        return i;
    }

    /** The count in {@code b[at, end)} as read by {@link #countEnd}: NULL, a negative number (no count) or the count. */
    private static long count(byte[] b, int at, int end) {
        if (b[at] == 'n') return NULL;
        boolean negative = b[at] == '-';
        long v = 0;
        for (int i = negative ? at + 1 : at; i < end; i++) v = v * 10 + (b[i] - '0');
        return negative ? (v == 0 ? 0 : -3) : v; // -0 is a count of 0, as JsonNode reads it
    }

    /** The offset of a plain key's closing quote; -1 for a key with an escape (or no end). */
    static int keyEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '"') return i;
            if (b[i] == '\\' || (b[i] & 0xff) < 0x20 || b[i] < 0) return -1; // escapes, controls, non-ASCII: Jackson's
        }
        return -1;
    }

    private static final int MAX_DEPTH = 64;

    /** The offset past the JSON value at {@code b[at]}, skipped; -1 when it is not one this reader is sure of. */
    static int skipValue(byte[] b, int at, int to, int depth) {
        if (depth > MAX_DEPTH) return -1;
        byte c = b[at];
        if (c == '"') {
            for (int i = at + 1; i < to; i++) {
                if (b[i] == '\\') i++;
                else if (b[i] == '"') return i + 1;
                else if ((b[i] & 0xff) < 0x20 || b[i] < 0) return -1; // Jackson checks UTF-8; this reader does not
            }
            return -1;
        }
        if (c == '{' || c == '[') {
            byte close = c == '{' ? (byte) '}' : (byte) ']';
            int i = skipSpace(b, at + 1, to);
            if (i < to && b[i] == close) return i + 1;
            while (true) {
                if (c == '{') { // "key":
                    if (i >= to || b[i] != '"') return -1;
                    i = skipValue(b, i, to, depth + 1);
                    if (i < 0) return -1;
                    i = skipSpace(b, i, to);
                    if (i >= to || b[i] != ':') return -1;
                    i = skipSpace(b, i + 1, to);
                }
                if (i >= to) return -1;
                i = skipValue(b, i, to, depth + 1);
                if (i < 0) return -1;
                i = skipSpace(b, i, to);
                if (i >= to) return -1;
                if (b[i] == close) return i + 1;
                if (b[i] != ',') return -1;
                i = skipSpace(b, i + 1, to);
            }
        }
        if (isNull(b, at, to)) return at + 4;
        if (matches(b, at, to, "true")) return at + 4;
        if (matches(b, at, to, "false")) return at + 5;
        // a number: JSON's grammar, strictly (what Jackson would refuse, this leaves to it)
        int i = at;
        if (i < to && b[i] == '-') i++;
        int intStart = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') i++;
        if (i == intStart || (i - intStart > 1 && b[intStart] == '0')) return -1;
        if (i < to && b[i] == '.') {
            int f = ++i;
            while (i < to && b[i] >= '0' && b[i] <= '9') i++;
            if (i == f) return -1;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) i++;
            int e = i;
            while (i < to && b[i] >= '0' && b[i] <= '9') i++;
            if (i == e) return -1;
        }
        return i;
    }

    /** Whether the JSON literal {@code null} starts at {@code b[at]} (and ends there: "nullx" is not it). */
    static boolean isNull(byte[] b, int at, int to) {
        return matches(b, at, to, "null");
    }

    private static boolean matches(byte[] b, int at, int to, String word) {
        if (at + word.length() > to) return false;
        for (int k = 0; k < word.length(); k++) if (b[at + k] != word.charAt(k)) return false;
        // a literal ends there: what follows must not continue it ("nullx" is not JSON)
        return at + word.length() == to || !Character.isLetterOrDigit(b[at + word.length()]);
    }

    /** Whether {@code b[from, to)} is exactly {@code name}. */
    static boolean is(byte[] b, int from, int to, byte[] name) {
        if (to - from != name.length) return false;
        for (int k = 0; k < name.length; k++) if (b[from + k] != name[k]) return false;
        return true;
    }

    /** Past JSON whitespace from {@code i} (the usage readers' one copy of it). */
    static int skipSpace(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) i++;
        return i;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
