package modrelay.moderation.keywords;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.config.ConfigException;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

/**
 * A local list of words and regexes that blocks without asking anyone: no cloud account, no
 * network, answers synchronously. Used alone or as the cheap first cut before Tencent TMS.
 *
 * <p>Plain words match case-insensitively after NFKC normalisation (so full-width letters match),
 * across spaces inserted between Chinese/Japanese characters, and on word edges for
 * space-separated scripts, and also with single letters written apart joined into words ("b\nl\no\nc\nk"
 * hits "block") and with line breaks taken out ("blo\nck" hits "block": a model can break a word where it likes). Regexes ({@code re:} lines) match case-insensitively against the NFKC form.
 * A hit is {@code Judged(BLOCK, "Keyword", <the list entry>, 100, "keywords")}.
 */
public final class KeywordModerator implements Moderator {
    public static final String SOURCE = "keywords";
    public static final String LABEL = "Keyword";

    private final List<KeywordEntry.Word> words;
    private final WordMatcher wordMatcher;
    private final List<KeywordEntry.Regex> regexes;

    private KeywordModerator(List<KeywordEntry> entries) {
        List<KeywordEntry.Word> w = new ArrayList<>();
        List<KeywordEntry.Regex> r = new ArrayList<>();
        for (KeywordEntry entry : entries) {
            if (entry instanceof KeywordEntry.Word word) w.add(word);
            else if (entry instanceof KeywordEntry.Regex regex) r.add(regex);
        }
        this.words = List.copyOf(w);
        this.regexes = List.copyOf(r);
        this.wordMatcher = new WordMatcher(words.stream().map(KeywordEntry.Word::folded).toList());
    }

    /** Reads a UTF-8 list file. Throws {@link ConfigException} if it cannot be read or has a bad line. */
    public static KeywordModerator fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw KeywordListParser.problem(file.toString(), 0, "not UTF-8 text");
        } catch (IOException e) {
            throw KeywordListParser.problem(file.toString(), 0, "cannot read the file ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        return new KeywordModerator(KeywordListParser.parse(lines, file.toString()));
    }

    /** Builds from lines in the file format (for tests and embedded lists). */
    public static KeywordModerator of(List<String> lines) {
        return new KeywordModerator(KeywordListParser.parse(lines, "inline list"));
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        Verdict verdict;
        try {
            String hit = firstHit(text);
            // Tool-call arguments are JSON text: "z\\no\\nr…" is what a client shows as letters on lines.
            if (hit == null && text != null && text.indexOf('\\') >= 0) hit = firstHit(TextFolding.jsonUnescaped(text));
            verdict = hit == null
                    ? Verdict.Judged.pass(SOURCE)
                    : new Verdict.Judged(Suggestion.BLOCK, LABEL, hit, 100, SOURCE, "");
        } catch (RuntimeException | StackOverflowError e) {
            // A pathological regex can overflow the stack on long input: report, never fail the stream.
            verdict = new Verdict.Unavailable("keywords: matching failed (" + e.getClass().getSimpleName() + ")", SOURCE);
        }
        return CompletableFuture.completedFuture(verdict);
    }

    /** The list entry (as written) that the text hits, or null. Words are checked before regexes. */
    String firstHit(String text) {
        if (text == null || text.isEmpty()) return null;
        String nfkc = TextFolding.nfkc(text);
        if (!words.isEmpty()) {
            String folded = TextFolding.foldNfkc(nfkc);
            int w = wordMatcher.firstMatch(folded);
            // a word spelled out letter by letter: each letter stood apart, so any letter is an edge
            // ("k\na\nb" after "b\nl\no\nc\n" must not hide "block" inside "blockab")
            for (String spelled : w < 0 ? TextFolding.spelledWords(folded) : List.<String>of()) {
                w = wordMatcher.firstMatch(spelled, false);
                if (w >= 0) break;
            }
            // a word broken across lines ("zor\nblax"): read with the line breaks taken out as well
            // (before folding: folding turns line breaks into spaces)
            String unbroken = w < 0 ? TextFolding.foldNfkc(TextFolding.withoutLineBreaks(nfkc)) : folded;
            if (w < 0 && !unbroken.equals(folded)) w = wordMatcher.firstMatch(unbroken);
            if (w >= 0) return words.get(w).source();
        }
        String joined = regexes.isEmpty() ? nfkc : TextFolding.joinSpacedLetters(nfkc);
        String unbroken = regexes.isEmpty() ? nfkc : TextFolding.withoutLineBreaks(nfkc);
        for (KeywordEntry.Regex regex : regexes) {
            if (regex.pattern().matcher(nfkc).find()) return regex.source();
            if (joined != nfkc && regex.pattern().matcher(joined).find()) return regex.source();
            if (!unbroken.equals(nfkc) && regex.pattern().matcher(unbroken).find()) return regex.source();
        }
        return null;
    }

    /** How many entries the list holds. */
    public int size() {
        return words.size() + regexes.size();
    }

    @Override
    public String name() {
        return SOURCE;
    }

    @Override
    public String toString() {
        return "KeywordModerator(" + words.size() + " words, " + regexes.size() + " regexes)";
    }
}
