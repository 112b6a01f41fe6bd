package modrelay.moderation.text;

import akka.util.ByteString;

import java.util.List;

/**
 * Per stream: remembers what the client has been sent and writes the tail that ends a cut stream
 * (the notice, a {@code content_filter} finish, the terminator) in the dialect's own shape.
 */
public interface CutWriter {

    /** An event that was released to the client. */
    void released(DialectEvent event);

    /**
     * The bytes that end the stream after a cut.
     *
     * @param notice  the text shown in place of what was withheld
     * @param blocked the withheld events, used only for ids the client has not seen yet
     */
    ByteString cut(String notice, List<DialectEvent> blocked);
}
