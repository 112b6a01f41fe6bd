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
 */
public record SseEvent(String event, String data, ByteString raw) {

    public boolean hasData() {
        return data != null;
    }
}
