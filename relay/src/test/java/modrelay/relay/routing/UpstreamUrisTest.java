package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.http.javadsl.model.Uri;
import org.junit.jupiter.api.Test;

class UpstreamUrisTest {

    @Test
    void aUrlParsedAgainIsTheSameUriAndEqualToAFreshParse() {
        String url = "https://api.example.com/v1/chat/completions?api-version=2024-06-01";
        Uri first = UpstreamUris.parse(url);
        assertSame(first, UpstreamUris.parse(url));
        assertEquals(Uri.create(url), first);
        assertEquals("api-version=2024-06-01", first.rawQueryString().orElseThrow());
    }

    @Test
    void manyDifferentPathsNeverHoldMoreThanTheBound() {
        for (int i = 0; i < UpstreamUris.MAX_ENTRIES * 3; i++) {
            String url = "http://127.0.0.1:8080/v1/files/file-" + i;
            assertEquals(Uri.create(url), UpstreamUris.parse(url));
            assertTrue(UpstreamUris.size() <= UpstreamUris.MAX_ENTRIES, "held " + UpstreamUris.size());
        }
        String longUrl = "http://127.0.0.1:8080/v1/files/" + "x".repeat(UpstreamUris.MAX_CACHED_LENGTH);
        assertEquals(Uri.create(longUrl), UpstreamUris.parse(longUrl));
        assertNotSame(UpstreamUris.parse(longUrl), UpstreamUris.parse(longUrl));
    }

    @Test
    void whatAkkaCannotParseIsRefusedEveryTimeAndNotHeld() {
        String bad = "http://127.0.0.1:8080/v1/models/a b";
        int before = UpstreamUris.size();
        for (int i = 0; i < 2; i++) {
            assertThrows(akka.http.scaladsl.model.IllegalUriException.class, () -> UpstreamUris.parse(bad));
        }
        assertTrue(UpstreamUris.size() <= before);
    }
}
