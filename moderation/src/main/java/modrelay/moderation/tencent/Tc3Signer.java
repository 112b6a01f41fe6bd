package modrelay.moderation.tencent;

import com.tencentcloudapi.common.Sign;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Signs a TextModeration POST the way the Tencent SDK's {@code AbstractClient} does (TC3-HMAC-SHA256,
 * signed headers {@code content-type;host}), with the SDK's own primitives ({@link Sign#sha256Hex} and
 * {@link Sign#hmac256}), so that the request the service checks is the one its SDK would send.
 * The service name of the credential scope is the endpoint's first label, as the SDK takes it
 * ({@code tms} for {@code tms.tencentcloudapi.com}).
 */
final class Tc3Signer {
    static final String ALGORITHM = "TC3-HMAC-SHA256";
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String secretId;
    private final String secretKey;
    private final String region;

    Tc3Signer(String secretId, String secretKey, String region) {
        this.secretId = secretId;
        this.secretKey = secretKey;
        this.region = region;
    }

    /**
     * The headers of one signed call, Host excepted: the HTTP client writes Host from the URL, and
     * {@code host} must be exactly that value (port included unless it is the scheme's default).
     */
    Map<String, String> headers(String action, String version, String host, byte[] body, long epochSeconds)
            throws TencentCloudSDKException {
        String date = DATE.format(Instant.ofEpochSecond(epochSeconds));
        String service = host.split("\\.")[0];
        String canonicalRequest = "POST\n/\n\n"
                + "content-type:" + CONTENT_TYPE + "\nhost:" + host + "\n\n"
                + "content-type;host\n"
                + Sign.sha256Hex(body);
        String scope = date + "/" + service + "/tc3_request";
        String stringToSign = ALGORITHM + "\n" + epochSeconds + "\n" + scope + "\n"
                + Sign.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] key = Sign.hmac256(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = Sign.hmac256(key, service);
        key = Sign.hmac256(key, "tc3_request");
        String signature = HEX.formatHex(Sign.hmac256(key, stringToSign));

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", ALGORITHM + " Credential=" + secretId + "/" + scope
                + ", SignedHeaders=content-type;host, Signature=" + signature);
        headers.put("Content-Type", CONTENT_TYPE);
        headers.put("X-TC-Action", action);
        headers.put("X-TC-Timestamp", Long.toString(epochSeconds));
        headers.put("X-TC-Version", version);
        headers.put("X-TC-Region", region);
        headers.put("X-TC-RequestClient", "modrelay");
        return headers;
    }

    /** Never the secrets. */
    @Override
    public String toString() {
        return "Tc3Signer(" + region + ")";
    }
}
