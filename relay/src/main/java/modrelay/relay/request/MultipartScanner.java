package modrelay.relay.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code model} fields of a multipart/form-data body as it streams past, wherever they
 * are (before or after the file), holding back no more than a delimiter's length of the file and
 * at most 16 KB of part headers and 1 KB of a model value. Pure; fed chunk by chunk.
 */
public final class MultipartScanner {
    /** Reported instead of a model when a model field or part header is too long to read: refuse, do not guess. */
    public static final String UNREADABLE = new String("<unreadable>");

    private static final int MAX_HEADERS = 16 * 1024;
    private static final int MAX_VALUE = 1024;
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name(\\*?)\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");

    private enum State { SCAN, AFTER_DELIMITER, HEADERS, VALUE, DONE }

    private final byte[] delimiter;
    private byte[] buf;
    private State state = State.SCAN;

    public MultipartScanner(String boundary) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter opens the body without a line break before it.
        this.buf = new byte[] {'\r', '\n'};
    }

    /** The model values (or {@link #UNREADABLE}) completed by this chunk. */
    public List<String> feed(byte[] chunk) {
        List<String> found = new ArrayList<>(0);
        if (state == State.DONE) return found;
        byte[] data = new byte[buf.length + chunk.length];
        System.arraycopy(buf, 0, data, 0, buf.length);
        System.arraycopy(chunk, 0, data, buf.length, chunk.length);
        int pos = 0;
        while (true) {
            switch (state) {
                case SCAN -> {
                    int i = indexOf(data, delimiter, pos);
                    if (i < 0) {
                        buf = Arrays.copyOfRange(data, Math.max(pos, data.length - (delimiter.length - 1)), data.length);
                        return found;
                    }
                    pos = i + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    if (data.length - pos < 2) {
                        buf = Arrays.copyOfRange(data, pos, data.length);
                        return found;
                    }
                    if (data[pos] == '-' && data[pos + 1] == '-') {
                        state = State.DONE;
                        buf = new byte[0];
                        return found;
                    }
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int end = indexOf(data, HEADER_END, pos);
                    if (end < 0) {
                        if (data.length - pos > MAX_HEADERS) {
                            found.add(UNREADABLE);
                            state = State.SCAN;
                            continue;
                        }
                        buf = Arrays.copyOfRange(data, pos, data.length);
                        return found;
                    }
                    String headers = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = end + HEADER_END.length;
                    state = isModelField(headers) ? State.VALUE : State.SCAN;
                }
                case VALUE -> {
                    int end = indexOf(data, delimiter, pos);
                    if (end < 0) {
                        if (data.length - pos > MAX_VALUE + delimiter.length) {
                            found.add(UNREADABLE);
                            state = State.SCAN;
                            continue;
                        }
                        buf = Arrays.copyOfRange(data, pos, data.length);
                        return found;
                    }
                    found.add(new String(data, pos, end - pos, StandardCharsets.UTF_8).trim());
                    pos = end + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case DONE -> {
                    buf = new byte[0];
                    return found;
                }
            }
        }
    }

    static boolean isModelField(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-disposition")) continue;
            Matcher m = NAME.matcher(line.substring(colon + 1).trim());
            while (m.find()) {
                String name = m.group(2) != null ? m.group(2) : m.group(3);
                if (!m.group(1).isEmpty()) name = extendedValue(name); // name*=UTF-8''model (RFC 5987)
                // Parsers differ on the case of field names: any spelling of "model" counts, so none slips past the rules.
                if (name.trim().equalsIgnoreCase("model")) return true;
            }
        }
        return false;
    }

    private static String extendedValue(String v) {
        int quote = v.indexOf("''");
        String encoded = quote >= 0 ? v.substring(quote + 2) : v;
        try {
            return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
