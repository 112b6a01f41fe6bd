package modrelay.moderation.tencent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContentSplitterTest {

    @Test
    void shortTextIsOneSlice() {
        assertEquals(List.of("hello"), ContentSplitter.split("hello", 10));
    }

    @Test
    void slicesEndAfterANaturalBreakNearTheLimit() {
        String text = "one two three four five six";
        List<String> parts = ContentSplitter.split(text, 10);

        assertEquals(text, String.join("", parts));
        parts.forEach(p -> assertTrue(p.length() <= 10, p));
        assertEquals("one two ", parts.get(0));
    }

    @Test
    void withoutABreakTheCutIsHardButNeverInsideASurrogatePair() {
        String text = "a" + "😀".repeat(10); // 1 + 20 UTF-16 units, no break anywhere
        List<String> parts = ContentSplitter.split(text, 6);

        assertEquals(text, String.join("", parts));
        for (String p : parts) {
            assertTrue(p.length() <= 6, p);
            assertFalse(Character.isLowSurrogate(p.charAt(0)), "slice starts inside a pair: " + p);
            assertFalse(Character.isHighSurrogate(p.charAt(p.length() - 1)), "slice ends inside a pair: " + p);
        }
    }
}
