package modrelay.moderation;

import static modrelay.moderation.ModerationLevel.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private static ModerationLevel resolve(Policy p, Boolean on, String level) throws Policy.InvalidLevel {
        return p.resolve(Optional.ofNullable(on), Optional.ofNullable(level));
    }

    @Test
    void requestFlagsChooseTheLevel() throws Exception {
        Policy p = new Policy(OFF, OFF);
        assertEquals(OFF, resolve(p, null, null));
        assertEquals(HIGH, resolve(p, true, null));
        assertEquals(LOW, resolve(p, true, "low"));
        assertEquals(LOW, resolve(p, null, "LOW"));
        assertEquals(OFF, resolve(p, false, "high"));
    }

    @Test
    void defaultAppliesWhenTheRequestSaysNothingOrJustTrue() throws Exception {
        Policy p = new Policy(LOW, OFF);
        assertEquals(LOW, resolve(p, null, null));
        assertEquals(LOW, resolve(p, true, null));
        assertEquals(HIGH, resolve(p, null, "high"));
    }

    @Test
    void theFloorCannotBeLowered() throws Exception {
        Policy p = new Policy(OFF, LOW);
        assertEquals(LOW, resolve(p, false, null));
        assertEquals(LOW, resolve(p, null, null));
        assertEquals(HIGH, resolve(p, true, "high"));
    }

    @Test
    void anUnknownLevelSaysWhatIsAllowed() {
        Policy.InvalidLevel e = assertThrows(Policy.InvalidLevel.class, () -> resolve(new Policy(OFF, OFF), true, "medium"));
        assertEquals("'moderation_level' must be \"high\" or \"low\", got \"medium\"", e.getMessage());
    }

    @Test
    void levelsCutAsDocumented() {
        assertTrue(HIGH.cuts(Suggestion.REVIEW));
        assertFalse(LOW.cuts(Suggestion.REVIEW));
        assertTrue(LOW.cuts(Suggestion.BLOCK));
        assertFalse(OFF.cuts(Suggestion.BLOCK));
    }
}
