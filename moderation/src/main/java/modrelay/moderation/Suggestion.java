package modrelay.moderation;

/** What a moderator suggests for a piece of text, in Tencent TMS's own three steps. */
public enum Suggestion {
    PASS,
    REVIEW,
    BLOCK;

    /** Parses TMS's "Pass" / "Review" / "Block" (any case). Unknown values count as REVIEW: never silently pass. */
    public static Suggestion parse(String value) {
        if (value == null) return REVIEW;
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "pass" -> PASS;
            case "block" -> BLOCK;
            default -> REVIEW;
        };
    }
}
