package modrelay.loadtests.fakes;

import java.util.List;
import java.util.Optional;

/**
 * A parsed TC3 {@code Authorization} header:
 * {@code TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b, Signature=<hex>}.
 * The date and service of the scope are what the signer used, so a verifier reads them from here
 * (the SDK derives the service from the endpoint's first label: "127" for 127.0.0.1:port).
 */
record Tc3Authorization(String secretId, String date, String service, List<String> signedHeaders, String signature) {

    static Optional<Tc3Authorization> parse(String header) {
        if (header == null || !header.startsWith(Tc3Signature.ALGORITHM + " ")) return Optional.empty();
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(Tc3Signature.ALGORITHM.length() + 1).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) return Optional.empty();
            String value = p.substring(eq + 1).trim();
            switch (p.substring(0, eq).trim()) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> { /* unknown parts are ignored, as they are by the service */ }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) return Optional.empty();
        String[] scope = credential.split("/");
        if (scope.length != 4 || !scope[3].equals(Tc3Signature.TERMINATOR) || signedHeaders.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Tc3Authorization(scope[0], scope[1], scope[2], List.of(signedHeaders.split(";")), signature));
    }

    /** Never the signature: it is as good as a one-time password for this request. */
    @Override
    public String toString() {
        return "Tc3Authorization(" + secretId + "/" + date + "/" + service + ")";
    }
}
