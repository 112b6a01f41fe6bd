package modrelay.moderation.keywords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modrelay.config.ConfigException;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeywordModeratorTest {

    private static Verdict judge(KeywordModerator moderator, String text) {
        // Synchronous by contract: the stage is already complete.
        return moderator.moderate(text, ModerationContext.NONE).toCompletableFuture().getNow(null);
    }

    @Test
    void aPlainWordBlocksWithTheEntryAsSubLabel() {
        KeywordModerator moderator = KeywordModerator.of(List.of("forbidden fruit", "毒品"));

        Verdict hit = judge(moderator, "Would you like some forbidden fruit today?");
        assertEquals(new Verdict.Judged(Suggestion.BLOCK, "Keyword", "forbidden fruit", 100, "keywords", ""), hit);

        Verdict cjk = judge(moderator, "这里有毒品交易");
        assertEquals("毒品", ((Verdict.Judged) cjk).subLabel());

        assertTrue(judge(moderator, "An apple a day keeps the doctor away.").isPass());
        assertEquals(Verdict.Judged.pass("keywords"), judge(moderator, ""));
    }

    @Test
    void matchingIgnoresCaseAndFullWidthForms() {
        KeywordModerator moderator = KeywordModerator.of(List.of("Secret Plan", "straße"));

        assertFalse(judge(moderator, "THE SECRET PLAN IS READY").isPass());
        assertFalse(judge(moderator, "ｓｅｃｒｅｔ　ｐｌａｎ").isPass(), "full-width letters and ideographic space");
        assertFalse(judge(moderator, "secret   plan").isPass(), "runs of spaces count as one");
        assertFalse(judge(moderator, "Grosse STRASSE").isPass(), "ß folds to ss");
        assertTrue(judge(moderator, "secretplan").isPass());
    }

    @Test
    void spacesAndZeroWidthCharactersInsertedBetweenChineseCharactersDoNotHideAWord() {
        KeywordModerator moderator = KeywordModerator.of(List.of("敏感词"));

        assertFalse(judge(moderator, "这是一个 敏 感 词 的例子").isPass());
        assertFalse(judge(moderator, "敏\u200B感\u200B词").isPass());
        assertTrue(judge(moderator, "敏感的词").isPass());
    }

    @Test
    void aWordSpelledOutOneLetterAtATimeStillBlocks() {
        KeywordModerator moderator = KeywordModerator.of(List.of("block", "re:\\bkill\\b"));

        // what the context window hands the moderator when each letter came as its own line or frame
        for (String spelled : List.of("b\nl\no\nc\nk", "B L O C K", "b.l.o.c.k", "b - l - o - c - k", "say b\r\nl\r\no\r\nc\r\nk now",
                "ｂ ｌ ｏ ｃ ｋ")) {
            assertFalse(judge(moderator, spelled).isPass(), spelled);
        }
        assertFalse(judge(moderator, "k\ni\nl\nl").isPass(), "regex entries see the joined form too");
        assertTrue(judge(moderator, "a b c d").isPass());
        assertFalse(judge(moderator, "b\nl\no\nc\nk\na b").isPass(), "more single letters after it do not hide it");
        assertTrue(judge(moderator, "b l o c ks").isPass(), "the joined letters still end on a word edge");
        assertTrue(judge(moderator, "bl oc k").isPass(), "only single letters are joined");
        assertEquals("a block b", TextFolding.joinSpacedLetters("a block b"), "nothing to join: the same text");
        assertEquals("say block now", TextFolding.joinSpacedLetters("say b l o c k now"));
        assertEquals("x 敏 y", TextFolding.joinSpacedLetters("x 敏 y"), "letters of spaceless scripts are no gap");
    }

    @Test
    void latinWordsMatchOnWordEdgesOnly() {
        KeywordModerator moderator = KeywordModerator.of(List.of("ass"));

        assertTrue(judge(moderator, "a first class assignment").isPass());
        assertFalse(judge(moderator, "what an ass!").isPass());
        assertFalse(judge(moderator, "中文ass中文").isPass(), "Chinese next to a Latin word is an edge");
    }

    @Test
    void regexEntriesMatchCaseInsensitivelyOnTheNormalisedText() {
        KeywordModerator moderator = KeywordModerator.of(List.of("re:\\bkill(ed|ing)?\\s+(him|her)\\b", "re:\\d{3}-\\d{4}"));

        Verdict hit = judge(moderator, "He was KILLING HER softly");
        assertEquals("re:\\bkill(ed|ing)?\\s+(him|her)\\b", ((Verdict.Judged) hit).subLabel());
        assertFalse(judge(moderator, "call ５５５-１２３４ now").isPass(), "full-width digits normalised");
        assertTrue(judge(moderator, "skill him up").isPass());
    }

    @Test
    void commentsBlankLinesAndSurroundingSpacesAreIgnored() {
        KeywordModerator moderator = KeywordModerator.of(List.of("\uFEFF# a comment naming apple", "", "   ", "  pear  "));

        assertEquals(1, moderator.size());
        assertTrue(judge(moderator, "apple comment").isPass());
        assertFalse(judge(moderator, "a pear").isPass());
    }

    @Test
    void aFewThousandEntriesAllMatchAndOverlappingEntriesAreFound() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) lines.add("word" + i + "x");
        lines.add("he");
        lines.add("she sells");
        KeywordModerator moderator = KeywordModerator.of(lines);

        for (int i = 0; i < 3000; i += 97) {
            Verdict v = judge(moderator, "some text with word" + i + "x in it");
            assertEquals("word" + i + "x", ((Verdict.Judged) v).subLabel());
        }
        assertEquals("she sells", ((Verdict.Judged) judge(moderator, "she sells sea shells")).subLabel());
        assertTrue(judge(moderator, "word3000x shell hex").isPass());
    }

    @Test
    void aBadRegexNamesTheVariableTheLineAndTheProblemOnOneLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> KeywordModerator.of(List.of("# list", "fine", "re:[a-")));

        assertTrue(e.getMessage().startsWith("MODERATION_KEYWORDS_FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("bad regex \"[a-\""), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aRegexThatMatchesEverythingIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> KeywordModerator.of(List.of("re:x*")));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("empty text"), e.getMessage());
    }

    @Test
    void aListWithoutEntriesIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> KeywordModerator.of(List.of("# nothing", "")));
        assertTrue(e.getMessage().contains("no entries"), e.getMessage());
    }

    @Test
    void readsAFileAndNamesAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("words.txt");
        Files.writeString(file, "# blocked\nbanana\nre:ch[eé]rry\n", StandardCharsets.UTF_8);

        KeywordModerator moderator = KeywordModerator.fromFile(file);
        assertFalse(judge(moderator, "one Banana split").isPass());
        assertFalse(judge(moderator, "a chérry").isPass());

        Path missing = dir.resolve("nope.txt");
        ConfigException e = assertThrows(ConfigException.class, () -> KeywordModerator.fromFile(missing));
        assertTrue(e.getMessage().startsWith("MODERATION_KEYWORDS_FILE"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> KeywordModerator.fromFile(file));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void aWordBrokenAcrossLinesIsStillTheWord() {
        KeywordModerator m = KeywordModerator.of(java.util.List.of("zorblax", "re:forbid+en"));
        org.junit.jupiter.api.Assertions.assertEquals("zorblax", m.firstHit("The word starts here zor\nblax and that is all."));
        org.junit.jupiter.api.Assertions.assertEquals("zorblax", m.firstHit("zorb \r\n lax"));
        org.junit.jupiter.api.Assertions.assertEquals("re:forbid+en", m.firstHit("it is forbi\ndden"));
        org.junit.jupiter.api.Assertions.assertNull(m.firstHit("zor blax, on one line, is two words"));
    }

    @Test
    void escapedLettersInToolArgumentsAreReadAsAClientReadsThem() throws Exception {
        KeywordModerator m = KeywordModerator.of(java.util.List.of("zorblax"));
        String args = "{\"q\":\"z\\no\\nr\\nb\\nl\\na\\nx\"}";
        org.junit.jupiter.api.Assertions.assertFalse(m.moderate(args, modrelay.moderation.ModerationContext.NONE)
                .toCompletableFuture().get().isPass());
        org.junit.jupiter.api.Assertions.assertFalse(m.moderate("{\"q\":\"\\u007aorblax\"}", modrelay.moderation.ModerationContext.NONE)
                .toCompletableFuture().get().isPass());
        org.junit.jupiter.api.Assertions.assertTrue(m.moderate("{\"q\":\"zor\\tb\"}", modrelay.moderation.ModerationContext.NONE)
                .toCompletableFuture().get().isPass());
    }
}
