package modrelay.loadtests.fakes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tencent Cloud API signature v3 (TC3-HMAC-SHA256), computed the way the service checks it:
 * <pre>
 * canonical request = POST \n / \n (empty query) \n
 *                     "name:value\n" per signed header (names and values lower-cased, trimmed, sorted) \n
 *                     signed header names joined by ";" \n
 *                     sha256 hex of the body
 * string to sign    = TC3-HMAC-SHA256 \n timestamp \n date/service/tc3_request \n sha256 hex of the canonical request
 * signing key       = HMAC("TC3" + secretKey, date) → HMAC(·, service) → HMAC(·, "tc3_request")
 * signature         = hex HMAC(signing key, string to sign)
 * </pre>
 * Public so that tests can sign (or mis-sign) raw requests to the fake TMS.
 */
public final class Tc3Signature {
    public static final String ALGORITHM = "TC3-HMAC-SHA256";
    public static final String TERMINATOR = "tc3_request";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private Tc3Signature() {}

    /** The canonical request of a POST to "/" signed over {@code headers} (name → value as sent). */
    public static String canonicalRequest(Map<String, String> headers, byte[] body) {
        TreeMap<String, String> canonical = new TreeMap<>();
        headers.forEach((name, value) -> canonical.put(
                name.toLowerCase(Locale.ROOT).trim(), value.toLowerCase(Locale.ROOT).trim()));
        StringBuilder lines = new StringBuilder();
        canonical.forEach((name, value) -> lines.append(name).append(':').append(value).append('\n'));
        return "POST\n/\n\n" + lines + "\n" + String.join(";", canonical.keySet()) + "\n" + sha256Hex(body);
    }

    /** The usual signed headers: {@code content-type;host}. */
    public static String canonicalRequest(String contentType, String host, byte[] body) {
        return canonicalRequest(Map.of("content-type", contentType, "host", host), body);
    }

    public static String stringToSign(long timestamp, String date, String service, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + scope(date, service) + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    public static String signature(String secretKey, String date, String service, long timestamp, String canonicalRequest) {
        byte[] key = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, service);
        key = hmac(key, TERMINATOR);
        return HEX.formatHex(hmac(key, stringToSign(timestamp, date, service, canonicalRequest)));
    }

    /** The {@code Authorization} header value. */
    public static String authorization(String secretId, String date, String service, String signedHeaders, String signature) {
        return ALGORITHM + " Credential=" + secretId + "/" + scope(date, service)
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
    }

    /** The UTC date ("yyyy-MM-dd") that belongs in the credential scope for a timestamp. */
    public static String utcDate(long epochSeconds) {
        return DATE.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** Compares two signatures in constant time. */
    public static boolean same(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String scope(String date, String service) {
        return date + "/" + service + "/" + TERMINATOR;
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JVM", e);
        }
    }
}
