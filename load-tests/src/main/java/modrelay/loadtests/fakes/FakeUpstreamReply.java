package modrelay.loadtests.fakes;

import java.util.List;

/**
 * A reply the fake will stream: its text, its tokens, and the tokens already quoted as JSON
 * string literals so that rendering one SSE event is a string concatenation.
 */
record FakeUpstreamReply(String text, String quotedText, List<String> tokens, List<String> quotedTokens) {

    static FakeUpstreamReply of(String text) {
        List<String> tokens = List.copyOf(FakeTokens.split(text));
        return new FakeUpstreamReply(
                text, FakeUpstreamJson.quote(text), tokens, tokens.stream().map(FakeUpstreamJson::quote).toList());
    }

    int tokenCount() {
        return tokens.size();
    }
}
