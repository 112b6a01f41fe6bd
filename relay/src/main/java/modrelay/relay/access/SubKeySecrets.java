package modrelay.relay.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Sub-key secrets: {@code mr-} and 40 base62 characters from {@link SecureRandom} (≈238 bits), kept
 * only as their SHA-256. A fast hash is enough for a random secret of that length: there is no
 * dictionary to try. Ids are shorter and not secret.
 */
public final class SubKeySecrets {
    public static final String PREFIX = "mr-";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SubKeySecrets() {}

    public static String newSecret() {
        return PREFIX + random(40);
    }

    public static String newId() {
        return "key_" + random(16);
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Enough of a secret to tell keys apart in a list: the prefix and the last 4 characters. */
    public static String hint(String secret) {
        return PREFIX + "…" + secret.substring(secret.length() - 4);
    }

    public static boolean looksLikeSubKey(String presented) {
        return presented.startsWith(PREFIX) && presented.length() == PREFIX.length() + 40;
    }

    private static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        return b.toString();
    }
}
