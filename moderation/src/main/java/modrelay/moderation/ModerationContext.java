package modrelay.moderation;

import modrelay.moderation.capacity.CallPermit;

/**
 * Who a piece of text belongs to, passed to the moderator for its own records (TMS DataId / User),
 * and, when a stream's stage already waited for the call's turn, the permit it got (else null).
 * Never holds a secret.
 */
public record ModerationContext(String requestId, String user, CallPermit permit) {
    public static final ModerationContext NONE = new ModerationContext("", "");

    public ModerationContext(String requestId, String user) {
        this(requestId, user, null);
    }

    /** The same request and user, with the turn the stream's stage was granted for this call. */
    public ModerationContext withPermit(CallPermit permit) {
        return new ModerationContext(requestId, user, permit);
    }
}
