package modrelay.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A key or password. {@link #toString()} never shows it, so a settings tree can be logged whole;
 * {@link #reveal()} is the one place the value leaves, and every call site is a place to audit.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty secret");
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    /** Constant-time comparison: how long it takes does not say how much of a guess was right. */
    public boolean matches(String candidate) {
        if (candidate == null) return false;
        return MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** At most the first 3 and last 4 characters, enough to tell keys apart in a log; short keys show less. */
    public String redacted() {
        int n = value.length();
        if (n >= 16) return value.substring(0, 3) + "…" + value.substring(n - 4);
        if (n >= 8) return value.substring(0, 2) + "…" + value.substring(n - 2);
        return "…";
    }

    @Override
    public String toString() {
        return "Secret(" + redacted() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
