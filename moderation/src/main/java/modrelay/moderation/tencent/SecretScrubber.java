package modrelay.moderation.tencent;

/**
 * Removes the credentials from text that may leave the moderator (verdict reasons end up in logs):
 * an error message from the SDK or the network is not under our control, so it is not trusted.
 */
final class SecretScrubber {
    private final String secretId;
    private final String secretKey;

    SecretScrubber(String secretId, String secretKey) {
        this.secretId = secretId;
        this.secretKey = secretKey;
    }

    String scrub(String text) {
        if (text == null) return "";
        String out = text;
        if (!secretKey.isEmpty()) out = out.replace(secretKey, "<secret key>");
        if (!secretId.isEmpty()) out = out.replace(secretId, "<secret id>");
        return out;
    }

    @Override
    public String toString() {
        return "SecretScrubber";
    }
}
