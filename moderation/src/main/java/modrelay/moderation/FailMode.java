package modrelay.moderation;

/** What happens when the moderator cannot answer. */
public enum FailMode {
    /** Cut the stream with the "moderation unavailable" notice. The safe default. */
    CLOSED,
    /** Release the text and record that it went unmoderated. */
    OPEN;

    /** The operator's MODERATION_FAIL ("closed" or "open", validated by the settings); anything but "open" is closed. */
    public static FailMode of(String setting) {
        return setting.trim().equalsIgnoreCase("open") ? OPEN : CLOSED;
    }
}
