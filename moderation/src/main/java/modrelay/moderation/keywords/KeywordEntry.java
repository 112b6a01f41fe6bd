package modrelay.moderation.keywords;

import java.util.regex.Pattern;

/** One usable line of a keyword list. {@code source} is the line as written: it is what a block reports. */
sealed interface KeywordEntry {

    String source();

    /** A plain word or phrase, matched in {@link TextFolding} form. */
    record Word(String source, String folded) implements KeywordEntry {}

    /** A {@code re:} line, matched case-insensitively against the NFKC form of the text. */
    record Regex(String source, Pattern pattern) implements KeywordEntry {}
}
