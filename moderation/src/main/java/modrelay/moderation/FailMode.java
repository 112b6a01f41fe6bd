package modrelay.moderation;

/** What happens when the moderator cannot answer. */
public enum FailMode {
    /** Cut the stream with the "moderation unavailable" notice. The safe default. */
    CLOSED,
    /** Release the text and record that it went unmoderated. */
    OPEN
}
