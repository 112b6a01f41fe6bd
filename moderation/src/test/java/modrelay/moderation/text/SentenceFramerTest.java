package modrelay.moderation.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceFramerTest {

    @Test
    void cjkPunctuationEndsSentencesWithoutWhitespace() {
        assertEquals(List.of("你好。", "真的吗？", "太好了！", "第一；", "然后…", "结束"),
                SentenceFramer.sentences("你好。真的吗？太好了！第一；然后…结束"));
    }

    @Test
    void latinPunctuationNeedsWhitespaceOrTheEnd() {
        assertEquals(List.of("Hello world.", " How are you?", " Great!"),
                SentenceFramer.sentences("Hello world. How are you? Great!"));
        assertEquals(List.of("Pi is 3.14 and v1.2.3 is out."), SentenceFramer.sentences("Pi is 3.14 and v1.2.3 is out."));
        assertEquals(List.of("Wait...", " what?!", " ok"), SentenceFramer.sentences("Wait... what?! ok"));
    }

    @Test
    void abbreviationsAreNotRecognised() {
        // Documented behaviour: "e.g. " ends a frame. Harmless: the next frame is moderated with the
        // unfinished sentence carried over as its head, so context is kept.
        assertEquals(List.of("Fruit, e.g.", " apples."), SentenceFramer.sentences("Fruit, e.g. apples."));
        SentenceFramer framer = new SentenceFramer(100);
        assertTrue(framer.append("Fruit, e.g. apples"));
        SentenceFramer.FrameText first = framer.take();
        assertEquals("Fruit, e.g. apples", first.fresh());
        framer.append(" and pears.");
        assertEquals("apples and pears.", framer.take().moderated());
    }

    @Test
    void mixedLanguagesAndNewlines() {
        assertEquals(List.of("OK.", " 好的。", "Line one\n", "line two"),
                SentenceFramer.sentences("OK. 好的。Line one\nline two"));
    }

    @Test
    void aTrailingDotIsReadyAtOnceWithoutWaitingForTheNextToken() {
        SentenceFramer framer = new SentenceFramer(100);
        assertFalse(framer.append("Pi is 3"));
        assertTrue(framer.append("."), "a chunk ending on '.' may end a sentence: judged now, not one token later");
        assertEquals("Pi is 3.", framer.take().fresh());
        assertTrue(new SentenceFramer(100).append("Really?"));
        assertTrue(new SentenceFramer(100).append("Wait..."));
        assertTrue(new SentenceFramer(100).append("结束。"), "CJK ends need nothing after them");
        assertTrue(new SentenceFramer(100).append("line\n"));
        assertFalse(new SentenceFramer(100).append("Pi is 3.14"), "a dot inside a chunk is still told from an end");
    }

    @Test
    void aDotThatWasNoSentenceEndIsJudgedWithTheWholeSentence() {
        SentenceFramer framer = new SentenceFramer(100); // no rolling window: only the sentence rule carries context
        framer.append("Done. Pi is 3.");
        assertEquals("Done. Pi is 3.", framer.take().moderated());
        framer.append("14 today.");
        SentenceFramer.FrameText next = framer.take();
        assertEquals("14 today.", next.fresh(), "released text is exactly the new text");
        assertEquals("Pi is 3.14 today.", next.moderated(), "'3.' + '14' is judged as '3.14'");
    }

    @Test
    void aDotFollowedByWhitespaceEndedItsSentence() {
        SentenceFramer framer = new SentenceFramer(100);
        framer.append("Pi is 3.");
        framer.take();
        framer.append(" Next one.");
        assertEquals(" Next one.", framer.take().moderated(), "a finished sentence is no head (window 0)");

        SentenceFramer windowed = new SentenceFramer(100, 6);
        windowed.append("Pi is 3.");
        windowed.take();
        windowed.append(" Next.");
        assertEquals(" is 3. Next.", windowed.take().moderated(), "the rolling window still applies");
    }

    @Test
    void undecidedDotsInARowKeepGrowingTheHead() {
        SentenceFramer framer = new SentenceFramer(100);
        assertTrue(framer.append("See f."));
        framer.take();
        assertTrue(framer.append("u."));
        assertEquals("See f.u.", framer.take().moderated());
        assertTrue(framer.append("c."));
        assertEquals("See f.u.c.", framer.take().moderated());
        framer.append("k it");
        assertEquals("See f.u.c.k it", framer.take().moderated(), "a term spelled with dots is seen whole");
    }

    @Test
    void maxLengthMakesAFrameReadyWithoutASentenceEnd() {
        SentenceFramer framer = new SentenceFramer(10);
        assertFalse(framer.append("abcdefghi"));
        assertTrue(framer.append("j"));
        assertEquals("abcdefghij", framer.take().fresh());
        assertFalse(framer.ready());
    }

    @Test
    void eachFrameIsModeratedWithTheUnfinishedSentenceBeforeIt() {
        SentenceFramer framer = new SentenceFramer(100);
        framer.append("First one. Second st");
        SentenceFramer.FrameText a = framer.take();
        assertEquals("First one. Second st", a.moderated());
        framer.append("arts here. Third");
        SentenceFramer.FrameText b = framer.take();
        assertEquals("arts here. Third", b.fresh(), "released text is exactly the new text");
        assertEquals("Second starts here. Third", b.moderated());
        framer.append(" goes on");
        assertEquals("Third goes on", framer.take().moderated(), "a run-on sentence keeps growing its head");
    }

    @Test
    void theHeadIsCappedButNeverShorterThanAPhrase() {
        SentenceFramer framer = new SentenceFramer(8);
        framer.append("0123456789".repeat(30));
        framer.take();
        framer.append("ab");
        SentenceFramer.FrameText frame = framer.take();
        assertEquals(SentenceFramer.MIN_HEAD_CHARS, frame.head().length());
        assertTrue(frame.moderated().endsWith("789ab"));

        SentenceFramer big = new SentenceFramer(400);
        big.append("x".repeat(400));
        big.take();
        big.append("y");
        assertEquals(400, big.take().head().length(), "a larger frame size allows a larger head");
    }

    @Test
    void splitsWholeTextsAtSentenceEndsBeforeTheLimit() {
        String text = "One two three. Four five six seven. Eight.";
        List<String> parts = SentenceFramer.split(text, 20);
        assertEquals(List.of("One two three.", " Four five six seven", ". Eight."), parts);
        assertEquals(text, String.join("", parts));
        String noEnds = "x".repeat(45);
        assertEquals(List.of("x".repeat(20), "x".repeat(20), "x".repeat(5)), SentenceFramer.split(noEnds, 20));
        List<String> emoji = SentenceFramer.split("a" + "😀".repeat(10), 4);
        emoji.forEach(p -> assertFalse(Character.isHighSurrogate(p.charAt(p.length() - 1)), "never inside a surrogate pair"));
        assertEquals("a" + "😀".repeat(10), String.join("", emoji));
        assertEquals(List.of("short"), SentenceFramer.split("short", 20));
    }
}
