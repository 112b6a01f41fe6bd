package modrelay.moderation;

/**
 * Who a piece of text belongs to, passed to the moderator for its own records (TMS DataId / User).
 * Never holds a secret.
 */
public record ModerationContext(String requestId, String user) {
    public static final ModerationContext NONE = new ModerationContext("", "");
}
