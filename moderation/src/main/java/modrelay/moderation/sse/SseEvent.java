package modrelay.moderation.sse;

import akka.util.ByteString;

/**
 * One server-sent event as it came from upstream.
 *
 * @param event the {@code event:} field, or "" when the event has none
 * @param data  the {@code data:} lines joined with "\n", or null when the event has no data line
 *              (a comment such as {@code : ping}, or stray blank lines)
 * @param raw   the exact upstream bytes of this event including its terminating blank line, so that
 *              releasing it keeps the stream byte for byte
 * @param foreign the event has a line that is no SSE field (not data, event, id, retry or a comment): a
 *              client may still read it (a JSON answer labelled as a stream), so moderation cannot release it
 * @param comments the event has comment lines with text ({@code : …}): text no one judged
 */
public record SseEvent(String event, String data, ByteString raw, boolean foreign, boolean comments) {

    public SseEvent(String event, String data, ByteString raw) {
        this(event, data, raw, false, false);
    }

    /**
     * The same event without its comment lines, for a moderated stream: a comment is text that no one judged,
     * and a client that shows what it reads could show it. An event of comments alone becomes an empty comment.
     */
    public SseEvent withoutComments() {
        if (!comments) return this;
        String text = raw.utf8String();
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\r\n|\r|\n")) {
            if (line.isEmpty() || line.charAt(0) == ':' || line.startsWith("\uFEFF:")) continue;
            out.append(line).append('\n');
        }
        if (out.length() == 0) out.append(":\n");
        return new SseEvent(event, data, ByteString.fromString(out.append('\n').toString()), foreign, false);
    }

    public boolean hasData() {
        return data != null;
    }
}
