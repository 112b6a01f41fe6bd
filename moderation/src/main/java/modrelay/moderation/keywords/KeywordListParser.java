package modrelay.moderation.keywords;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import modrelay.config.ConfigException;

/**
 * Turns the lines of a keyword list into entries: one entry per line, {@code #} comment lines and
 * blank lines ignored, {@code re:<java regex>} lines are regexes, anything else a plain word.
 * Every problem is a {@link ConfigException} naming the variable, the source and the line.
 */
final class KeywordListParser {
    static final String VARIABLE = "MODERATION_KEYWORDS_FILE";
    private static final String REGEX_PREFIX = "re:";

    private KeywordListParser() {}

    /** @param sourceName the file path, or a description of where the lines came from */
    static List<KeywordEntry> parse(List<String> lines, String sourceName) {
        List<KeywordEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1); // a BOM some editors write
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            entries.add(line.startsWith(REGEX_PREFIX)
                    ? regex(line, sourceName, i + 1)
                    : word(line, sourceName, i + 1));
        }
        if (entries.isEmpty()) {
            throw problem(sourceName, 0, "no entries (only blank and # comment lines); "
                    + "unset the variable to run without a keyword list");
        }
        return entries;
    }

    private static KeywordEntry word(String line, String sourceName, int lineNo) {
        String folded = TextFolding.fold(line);
        if (folded.isEmpty()) throw problem(sourceName, lineNo, "entry has no visible characters");
        return new KeywordEntry.Word(line, folded);
    }

    private static KeywordEntry regex(String line, String sourceName, int lineNo) {
        String expression = line.substring(REGEX_PREFIX.length());
        if (expression.isEmpty()) throw problem(sourceName, lineNo, "empty regex after \"re:\"");
        Pattern pattern;
        try {
            pattern = Pattern.compile(expression, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            // getMessage() spans several lines (pattern + caret); keep the report on one line.
            String where = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
            throw problem(sourceName, lineNo, "bad regex \"" + expression + "\": " + e.getDescription() + where);
        }
        if (pattern.matcher("").find()) {
            throw problem(sourceName, lineNo, "regex \"" + expression + "\" matches empty text, so it would block everything");
        }
        return new KeywordEntry.Regex(line, pattern);
    }

    static ConfigException problem(String sourceName, int lineNo, String what) {
        String where = lineNo > 0 ? sourceName + " line " + lineNo : sourceName;
        // One line, whatever an I/O message or a regex brings along.
        return new ConfigException((VARIABLE + " (" + where + "): " + what).replaceAll("[\\r\\n]+", " "));
    }
}
