package modrelay.loadtests.fakes;

import akka.util.ByteString;
import java.util.List;

/**
 * A reply the fake will stream: its text and its tokens, plus both already quoted as JSON string
 * literals and encoded as UTF-8. Rendering an event is then joining byte strings: encoding
 * non-ASCII text is the most expensive step of a reply, so it is done once per reply, not per
 * request or per event.
 */
record FakeUpstreamReply(String text, List<String> tokens, ByteString quotedText, List<ByteString> quotedTokens) {

    static FakeUpstreamReply of(String text) {
        List<String> tokens = List.copyOf(FakeTokens.split(text));
        return new FakeUpstreamReply(text, tokens, quotedUtf8(text),
                tokens.stream().map(FakeUpstreamReply::quotedUtf8).toList());
    }

    int tokenCount() {
        return tokens.size();
    }

    private static ByteString quotedUtf8(String text) {
        return ByteString.fromString(FakeUpstreamJson.quote(text));
    }
}
