package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fake's tokeniser: model-like pieces that always concatenate back to the reply. */
class FakeUpstreamTokensTest {

    @Test
    void aWordTakesTheSpaceAndPunctuationAfterIt() {
        assertEquals(List.of("Hello, ", "world. ", "It's ", "fine!"), FakeTokens.split("Hello, world. It's fine!"));
    }

    @Test
    void everyCjkCharacterIsItsOwnToken() {
        assertEquals(List.of("这", "是", "中", "文", "。", "Yes"), FakeTokens.split("这是中文。Yes"));
        assertEquals(List.of("日", "本", "語", "と", "カ", "ナ", "한", "국"), FakeTokens.split("日本語とカナ한국"));
    }

    @Test
    void emojiSequencesStayWhole() {
        assertEquals(List.of("Hi ", "👋🏽", "👨‍👩‍👧", "🇨🇳", "🇯🇵", "❤️"), FakeTokens.split("Hi 👋🏽👨‍👩‍👧🇨🇳🇯🇵❤️"));
    }

    @Test
    void leadingSpaceAndMissingFinalPunctuationSurvive() {
        assertEquals(List.of("  no ", "full ", "stop"), FakeTokens.split("  no full stop"));
        assertEquals(List.of(), FakeTokens.split(""));
    }

    @Test
    void randomMixedTextAlwaysConcatenatesBackAndEveryTokenIsValidUtf16() throws CharacterCodingException {
        int[] alphabet = {'a', 'Z', '7', ' ', ',', '.', '\n', '\'', '中', '文', '。', '，', 0x1F600, 0x1F3FD,
                0x200D, 0xFE0F, 0x1F1E8, 0x1F1F3, 0x0301, 'é'};
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            List<String> tokens = FakeTokens.split(text.toString());
            assertEquals(text.toString(), String.join("", tokens));
            for (String token : tokens) {
                assertFalse(token.isEmpty());
                assertFalse(Character.isLowSurrogate(token.charAt(0)), "split surrogate pair in " + text);
                assertFalse(Character.isHighSurrogate(token.charAt(token.length() - 1)), "split surrogate pair in " + text);
                // Each token must encode on its own, as each goes out in its own JSON chunk.
                StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                        .encode(java.nio.CharBuffer.wrap(token));
            }
            assertTrue(tokens.size() <= Math.max(1, text.codePointCount(0, text.length())));
        }
    }
}
