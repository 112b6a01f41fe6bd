package modrelay.loadtests.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the fake TMS thinks of a text: configured block words → Block, review words → Review, else Pass. */
record FakeTmsVerdict(String suggestion, String label, String subLabel, int score, List<String> keywords) {

    static FakeTmsVerdict judge(String text, List<String> blockWords, List<String> reviewWords) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> blockHits = hits(lower, blockWords);
        if (!blockHits.isEmpty()) {
            return new FakeTmsVerdict("Block", FakeTms.BLOCK_LABEL, FakeTms.BLOCK_SUB_LABEL, FakeTms.BLOCK_SCORE, blockHits);
        }
        List<String> reviewHits = hits(lower, reviewWords);
        if (!reviewHits.isEmpty()) {
            return new FakeTmsVerdict("Review", FakeTms.REVIEW_LABEL, FakeTms.REVIEW_SUB_LABEL, FakeTms.REVIEW_SCORE, reviewHits);
        }
        return new FakeTmsVerdict("Pass", "Normal", "", 0, List.of());
    }

    private static List<String> hits(String lowerText, List<String> words) {
        List<String> hits = new ArrayList<>();
        for (String word : words) {
            if (!word.isEmpty() && lowerText.contains(word.toLowerCase(Locale.ROOT))) hits.add(word);
        }
        return hits;
    }
}
