package modrelay.relay.admin.console;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.List;

/**
 * The headers of everything under /admin. The console runs only its own files: no inline script or
 * style, no other origin, no framing; the API's answers (they carry data) are never stored by a cache.
 */
public final class ConsoleHeaders {
    /** Scripts, styles and fetches from this origin only; SVG charts are drawn through the DOM, not inline markup. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsoleHeaders() {}

    /** Every answer of the admin tree: the API's JSON and the console's pages. */
    public static List<HttpHeader> all() {
        return List.of(
                RawHeader.create("Content-Security-Policy", CSP),
                RawHeader.create("X-Frame-Options", "DENY"),
                RawHeader.create("X-Content-Type-Options", "nosniff"),
                RawHeader.create("Referrer-Policy", "no-referrer"),
                RawHeader.create("Cross-Origin-Opener-Policy", "same-origin"),
                RawHeader.create("Cache-Control", "no-store"));
    }
}
