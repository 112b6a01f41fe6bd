package modrelay.relay.http;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: the client's X-Request-Id when it is short (at most {@link #MAX_LENGTH}) and made of
 * safe characters only (letters, digits and {@code - _ . : + = @}), else a fresh one. The id reaches
 * every log line about the request and the chat log: a client must not be able to forge lines, hide
 * in them, or make them huge.
 */
public final class RequestIds {
    public static final int MAX_LENGTH = 64;

    private RequestIds() {}

    public static String fromClientOrNew(Optional<String> header) {
        if (header.isPresent()) {
            String v = header.get().trim();
            if (acceptable(v)) return v;
        }
        return fresh();
    }

    static boolean acceptable(String v) {
        if (v.isEmpty() || v.length() > MAX_LENGTH) return false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '=' || c == '@';
            if (!ok) return false;
        }
        return true;
    }

    static String fresh() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
