package modrelay.moderation.keywords;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds any of many words in a text in one pass (Aho–Corasick over UTF-16 units), so a list of a few
 * thousand entries costs about as much per sentence as a list of ten. Words and text must already be
 * in {@link TextFolding} form.
 *
 * <p>A word whose first (last) character belongs to a space-separated script only matches where
 * the text has no word character right before (after) it: "ass" does not hit "class". Words of
 * spaceless scripts (Chinese, Japanese, Thai) match anywhere.
 */
final class WordMatcher {
    private static final int[] NONE = new int[0];

    private final String[] words;
    private final int[] rootNext = new int[Character.MAX_VALUE + 1]; // dense: the root is visited most
    private final char[][] keys;   // per node, sorted transition characters (root's unused)
    private final int[][] next;    // per node, target nodes parallel to keys
    private final int[] fail;
    private final int[][] output;  // per node, indexes of words ending here (own + via failure links)

    WordMatcher(List<String> foldedWords) {
        this.words = foldedWords.toArray(String[]::new);
        List<Map<Character, Integer>> children = new ArrayList<>();
        List<List<Integer>> ends = new ArrayList<>();
        children.add(new HashMap<>());
        ends.add(new ArrayList<>());
        for (int w = 0; w < words.length; w++) {
            int node = 0;
            for (char c : words[w].toCharArray()) {
                Integer child = children.get(node).get(c);
                if (child == null) {
                    child = children.size();
                    children.add(new HashMap<>());
                    ends.add(new ArrayList<>());
                    children.get(node).put(c, child);
                }
                node = child;
            }
            ends.get(node).add(w);
        }
        int n = children.size();
        keys = new char[n][];
        next = new int[n][];
        for (int i = 0; i < n; i++) {
            Map<Character, Integer> map = children.get(i);
            char[] k = new char[map.size()];
            int j = 0;
            for (char c : map.keySet()) k[j++] = c;
            Arrays.sort(k);
            int[] t = new int[k.length];
            for (j = 0; j < k.length; j++) t[j] = map.get(k[j]);
            keys[i] = k;
            next[i] = t;
        }
        for (int j = 0; j < keys[0].length; j++) rootNext[keys[0][j]] = next[0][j];

        // Breadth first, so a node's failure target (shorter) is complete before the node itself.
        fail = new int[n];
        output = new int[n][];
        output[0] = NONE;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : next[0]) {
            fail[child] = 0;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            output[node] = merge(ends.get(node), output[fail[node]]);
            for (int j = 0; j < keys[node].length; j++) {
                char c = keys[node][j];
                int child = next[node][j];
                int f = fail[node];
                int target;
                while ((target = step(f, c)) < 0) f = fail[f];
                fail[child] = target;
                queue.add(child);
            }
        }
    }

    /** The index of the first word (by end position in the text) that matches, or -1. */
    int firstMatch(String text) {
        return firstMatch(text, true);
    }

    /**
     * Like {@link #firstMatch(String)}; without word edges when {@code edges} is false, for the letters
     * of a word spelled out one by one, where every letter stood apart and so is an edge.
     */
    int firstMatch(String text, boolean edges) {
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int target;
            while ((target = step(state, c)) < 0) state = fail[state];
            state = target;
            for (int w : output[state]) {
                if (!edges || respectsWordEdges(text, i + 1 - words[w].length(), i + 1, words[w])) return w;
            }
        }
        return -1;
    }

    String word(int index) {
        return words[index];
    }

    /** The next state on {@code c}, or -1 (never for the root, which loops to itself). */
    private int step(int state, char c) {
        if (state == 0) return rootNext[c];
        int j = Arrays.binarySearch(keys[state], c);
        return j >= 0 ? next[state][j] : -1;
    }

    private static boolean respectsWordEdges(String text, int start, int end, String word) {
        if (TextFolding.isWordChar(word.codePointAt(0)) && start > 0
                && TextFolding.isWordChar(text.codePointBefore(start))) return false;
        return !(TextFolding.isWordChar(word.codePointBefore(word.length())) && end < text.length()
                && TextFolding.isWordChar(text.codePointAt(end)));
    }

    private static int[] merge(List<Integer> own, int[] inherited) {
        if (own.isEmpty()) return inherited;
        int[] out = new int[own.size() + inherited.length];
        for (int i = 0; i < own.size(); i++) out[i] = own.get(i);
        System.arraycopy(inherited, 0, out, own.size(), inherited.length);
        return out;
    }
}
