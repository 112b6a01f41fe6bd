package modrelay.moderation;

import java.util.Locale;
import java.util.Optional;

/**
 * The operator's moderation policy: a default for requests that say nothing and a floor that no
 * request can go below (so {@code moderation:false} cannot switch off what the operator requires).
 */
public record Policy(ModerationLevel defaultLevel, ModerationLevel floor) {

    /** A request's {@code moderation_level} that is neither high nor low. */
    public static final class InvalidLevel extends Exception {
        public InvalidLevel(String value) {
            super("'moderation_level' must be \"high\" or \"low\", got \"" + value + "\"", null, false, false);
        }
    }

    public static ModerationLevel parseLevel(String name) {
        return ModerationLevel.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * The level for one request.
     * <ul>
     *   <li>{@code moderation:false} → off (then raised to the floor);</li>
     *   <li>{@code moderation_level} given → that level (it implies moderation on);</li>
     *   <li>{@code moderation:true} alone → the default level, or high when the default is off;</li>
     *   <li>nothing → the default.</li>
     * </ul>
     */
    public ModerationLevel resolve(Optional<Boolean> moderation, Optional<String> level) throws InvalidLevel {
        Optional<ModerationLevel> requestedLevel = Optional.empty();
        if (level.isPresent()) {
            String v = level.get().trim().toLowerCase(Locale.ROOT);
            if (!v.equals("high") && !v.equals("low")) throw new InvalidLevel(level.get());
            requestedLevel = Optional.of(v.equals("high") ? ModerationLevel.HIGH : ModerationLevel.LOW);
        }
        ModerationLevel chosen;
        if (moderation.isPresent() && !moderation.get()) {
            chosen = ModerationLevel.OFF;
        } else if (requestedLevel.isPresent()) {
            chosen = requestedLevel.get();
        } else if (moderation.isPresent()) {
            chosen = defaultLevel == ModerationLevel.OFF ? ModerationLevel.HIGH : defaultLevel;
        } else {
            chosen = defaultLevel;
        }
        return chosen.atLeast(floor);
    }
}
