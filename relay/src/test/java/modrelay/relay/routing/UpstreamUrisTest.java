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
    void threadsMissingTogetherStayWithinTheBound() throws Exception {
        int threads = 4;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.atomic.AtomicInteger over = new java.util.concurrent.atomic.AtomicInteger();
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 3000; i++) {
                        UpstreamUris.parse("http://127.0.0.1:8080/v1/files/t" + id + "-" + i);
                        if (UpstreamUris.size() > UpstreamUris.MAX_ENTRIES) over.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, over.get(), "times the memo was seen past its bound");
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
