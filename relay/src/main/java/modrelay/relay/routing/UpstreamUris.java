package modrelay.relay.routing;

import akka.http.javadsl.model.Uri;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream URLs parsed once: nearly every request goes to one of a few URLs ({@code …/chat/completions},
 * {@code …/embeddings}), and parsing the same string into the same {@link Uri} on every request was 4% of
 * the relay's CPU on small requests. A URI is immutable, so a cached one is the one parsing would give.
 *
 * <p>Bounded: paths with ids ({@code /v1/files/file-…}) are new strings every time, so once the cache holds
 * {@link #MAX_ENTRIES} URLs it is emptied and refills with what is asked for next. Clients who send many
 * different paths cost the relay a parse per request, as before, never memory.
 */
final class UpstreamUris {
    static final int MAX_ENTRIES = 512;
    /** Longer URLs are parsed every time: they are rare, and the bound on entries is then a bound on bytes. */
    static final int MAX_CACHED_LENGTH = 512;

    private static final ConcurrentHashMap<String, Uri> PARSED = new ConcurrentHashMap<>();

    private UpstreamUris() {}

    /**
     * @throws akka.http.scaladsl.model.IllegalUriException when Akka cannot parse it (never cached)
     */
    static Uri parse(String url) {
        if (url.length() > MAX_CACHED_LENGTH) return Uri.create(url);
        Uri known = PARSED.get(url);
        if (known != null) return known;
        Uri parsed = Uri.create(url);
        remember(url, parsed);
        return parsed;
    }

    /** Only misses come here; one at a time, so that racing misses cannot push the memo past its bound. */
    private static synchronized void remember(String url, Uri parsed) {
        if (PARSED.size() >= MAX_ENTRIES) PARSED.clear();
        PARSED.put(url, parsed);
    }

    /** How many URLs are held (for tests). */
    static int size() {
        return PARSED.size();
    }
}
