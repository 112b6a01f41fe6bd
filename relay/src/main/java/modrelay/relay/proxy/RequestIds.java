package modrelay.relay.proxy;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's X-Request-Id when it is sane, else a fresh one. */
public final class RequestIds {
    private RequestIds() {}

    public static String fromClientOrNew(Optional<String> header) {
        if (header.isPresent()) {
            String v = header.get().trim();
            // Bounded and log-safe: no control characters, no spaces, so it cannot forge log lines.
            if (!v.isEmpty() && v.length() <= 128 && v.chars().allMatch(c -> c > 32 && c < 127)) return v;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
