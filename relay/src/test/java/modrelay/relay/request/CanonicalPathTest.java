package modrelay.relay.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.http.javadsl.model.Uri;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    private static CanonicalPath.Result of(String raw) {
        return CanonicalPath.of(Uri.create("http://relay" + raw).pathSegments());
    }

    @ParameterizedTest
    @CsvSource({
            "/v1/chat/completions,/v1/chat/completions,/v1/chat/completions",
            "//v1//chat///completions/,/v1/chat/completions,/v1/chat/completions",
            "/V1/Chat/Completions,/V1/Chat/Completions,/v1/chat/completions",
            "/v1/chat/compl%65tions,/v1/chat/completions,/v1/chat/completions",
            "/v1/models/ft:gpt-4o:org:x,/v1/models/ft:gpt-4o:org:x,/v1/models/ft:gpt-4o:org:x",
            "/,/,/",
    })
    void validPathsHaveOneSpelling(String raw, String decoded, String lower) {
        CanonicalPath p = ((CanonicalPath.Valid) of(raw)).path();
        assertEquals(decoded, p.decoded());
        assertEquals(lower, p.lower());
    }

    @Test
    void whatGoesUpstreamIsReEncodedOneWay() {
        assertEquals("/v1/files/a%20b%C3%A9", ((CanonicalPath.Valid) of("/v1/files/a%20b%c3%a9")).path().encoded());
        assertEquals("/v1/models/ft:x@y", ((CanonicalPath.Valid) of("/v1/models/ft:x@y")).path().encoded());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/chat%2Fcompletions", "/v1/chat%2fcompletions", "/v1%5Cchat/completions", "/v1/chat/completions;x=1",
            "/v1/chat/completions%3B", "/v1/chat/completions%00", "/v1/chat/completions%0a", "/v1/chat/completions%09",
            "/v1/chat/completions%20", "/v1/%20chat/completions", "/v1/chat/completions%C2%A0", "/v1/chat/completions%E2%80%8B",
            "/v1/chat/completions%7F", "/v1/chat/completions%C2%85",
    })
    void ambiguousPathsAreRefused(String raw) {
        assertInstanceOf(CanonicalPath.Invalid.class, of(raw), raw);
    }

    @Test
    void aPrefixIsTakenOffWholeSegmentsOnly() {
        CanonicalPath prefix = ((CanonicalPath.Valid) of("/relay")).path();
        assertEquals("/v1/models", ((CanonicalPath.Valid) of("/relay//v1/models")).path().under(prefix).decoded());
        assertEquals(null, ((CanonicalPath.Valid) of("/relayx/v1/models")).path().under(prefix));
        assertEquals("/", ((CanonicalPath.Valid) of("/relay/")).path().under(prefix).decoded());
    }
}
