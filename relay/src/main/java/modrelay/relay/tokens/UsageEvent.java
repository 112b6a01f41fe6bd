package modrelay.relay.tokens;

/**
 * Reads the usual usage event of a chat or completions stream straight from its bytes: one {@code data:} line
 * holding one JSON object with plain keys, whose top-level {@code usage} object {@link UsageBytes} reads. It says
 * where that member sits (to cut it out) and whether the event carries choices (else the whole event is the
 * usage-only chunk). Anything else (several data lines, a usage key twice, an escape in a key, a usage object
 * {@link UsageBytes} is unsure of or finds no counts in, bytes that are not JSON) gives null: the caller then
 * reads the event with Jackson. This runs once per stream, where building a tree of the event cost more than the
 * rest of the stream's usage work.
 */
final class UsageEvent {
    private UsageEvent() {}

    /**
     * @param memberFrom where the usage member starts, with the comma that joined it to the object when it had one
     * @param memberTo   where it ends, with the comma that joined it to the next member when it had no earlier one
     * @param usageOnly  no choices, or {@code null} or {@code []}: the usage-only chunk the relay drops when it asked
     */
    record Found(Usage usage, int memberFrom, int memberTo, boolean usageOnly) {}

    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] USAGE = {'u', 's', 'a', 'g', 'e'};
    private static final byte[] CHOICES = {'c', 'h', 'o', 'i', 'c', 'e', 's'};

    /** The event {@code b[from, to)}, a whole event (its blank line included); null when this reader is unsure. */
    static Found find(byte[] b, int from, int to) {
        if (to - from < DATA.length || !UsageBytes.is(b, from, from + DATA.length, DATA)) return null;
        int lineEnd = indexOf(b, (byte) '\n', from, to);
        if (lineEnd < 0 || !onlyLineEnds(b, lineEnd, to)) return null; // one data line, then the blank line
        int end = lineEnd > from && b[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        int i = UsageBytes.skipSpace(b, from + DATA.length, end);
        if (i >= end || b[i] != '{') return null;
        int usageValue = -1, usageEnd = -1, memberFrom = -1, memberTo = -1;
        int choicesValue = -1, choicesEnd = -1;
        int previousEnd = -1; // the end of the last member's value, when there was one
        i = UsageBytes.skipSpace(b, i + 1, end);
        if (i < end && b[i] == '}') return null;
        while (true) {
            if (i >= end || b[i] != '"') return null;
            int keyStart = i + 1;
            int keyEnd = UsageBytes.keyEnd(b, keyStart, end);
            if (keyEnd < 0) return null;
            int colon = UsageBytes.skipSpace(b, keyEnd + 1, end);
            if (colon >= end || b[colon] != ':') return null;
            int value = UsageBytes.skipSpace(b, colon + 1, end);
            if (value >= end) return null;
            int valueEnd = UsageBytes.skipValue(b, value, end, 0);
            if (valueEnd < 0) return null;
            boolean firstAndUsage = false; // then its cut takes the comma after it: {"usage":{…}, …
            if (UsageBytes.is(b, keyStart, keyEnd, USAGE)) {
                if (usageValue >= 0) return null; // twice: which one a reader takes is not this reader's to say
                usageValue = value;
                usageEnd = valueEnd;
                firstAndUsage = previousEnd < 0;
                memberFrom = firstAndUsage ? i : previousEnd; // ,"usage":{…} with the comma before it
                memberTo = valueEnd;
            } else if (UsageBytes.is(b, keyStart, keyEnd, CHOICES)) {
                if (choicesValue >= 0) return null;
                choicesValue = value;
                choicesEnd = valueEnd;
            }
            int next = UsageBytes.skipSpace(b, valueEnd, end);
            if (next >= end) return null;
            if (b[next] == '}') {
                if (UsageBytes.skipSpace(b, next + 1, end) != end) return null; // bytes after the object
                break;
            }
            if (b[next] != ',') return null;
            if (firstAndUsage) memberTo = UsageBytes.skipSpace(b, next + 1, end);
            previousEnd = valueEnd;
            i = UsageBytes.skipSpace(b, next + 1, end);
        }
        if (usageValue < 0 || b[usageValue] != '{') return null;
        Usage usage = UsageBytes.read(b, usageValue, usageEnd);
        if (usage == UsageBytes.UNSURE || usage == UsageBytes.NO_COUNTS) return null;
        boolean usageOnly = choicesValue < 0 || UsageBytes.isNull(b, choicesValue, choicesEnd) || emptyArray(b, choicesValue, choicesEnd);
        return new Found(usage, memberFrom, memberTo, usageOnly);
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    /** Whether {@code b[from, to)} is nothing but line ends (the event's blank line). */
    private static boolean onlyLineEnds(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != '\n' && b[i] != '\r') return false;
        return true;
    }

    private static boolean emptyArray(byte[] b, int from, int to) {
        return b[from] == '[' && UsageBytes.skipSpace(b, from + 1, to) == to - 1;
    }
}
