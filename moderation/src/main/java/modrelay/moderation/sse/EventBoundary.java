package modrelay.moderation.sse;

import akka.util.ByteString;

/**
 * Tracks whether the bytes written so far end with a blank line (LF LF, CR CR, CRLF CRLF, LF CRLF): the only place a
 * heartbeat comment may go without landing inside an event whose rest is still on its way. Nothing written counts as a
 * boundary.
 */
public final class EventBoundary {
    private int last1 = '\n';
    private int last2 = '\n';
    private int last3 = -1;

    public void after(ByteString chunk) {
        int n = chunk.length();
        for (int i = Math.max(0, n - 3); i < n; i++) {
            last3 = last2;
            last2 = last1;
            last1 = chunk.apply(i);
        }
    }

    public boolean atBoundary() {
        if (last1 == '\n') return last2 == '\n' || (last2 == '\r' && last3 == '\n') || (last2 == '\r' && last3 == '\r');
        return last1 == '\r' && last2 == '\r';
    }
}
