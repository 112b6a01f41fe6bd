package modrelay.moderation;

/** How strict moderation is for one request. */
public enum ModerationLevel {
    /** Nothing is moderated. */
    OFF,
    /** Only {@link Suggestion#BLOCK} cuts. */
    LOW,
    /** Anything that is not {@link Suggestion#PASS} cuts. */
    HIGH;

    /** Whether a judged suggestion cuts the stream at this level. */
    public boolean cuts(Suggestion suggestion) {
        return switch (this) {
            case OFF -> false;
            case LOW -> suggestion == Suggestion.BLOCK;
            case HIGH -> suggestion != Suggestion.PASS;
        };
    }

    public ModerationLevel atLeast(ModerationLevel floor) {
        return this.ordinal() >= floor.ordinal() ? this : floor;
    }
}
