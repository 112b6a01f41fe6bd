package modrelay.relay.admin.console;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The admin console's files, from the relay jar ({@code modrelay/console/} on the class path):
 * {@code GET /admin/} is the page, {@code GET /admin/assets/<name>} its modules, styles and icons.
 * They hold no data and need no token (the page asks for it; every call it makes carries it), so they
 * are served before the token check; the admin tree's headers apply (CSP, no framing, no store).
 */
public final class ConsoleRoutes extends AllDirectives {
    private static final String ROOT = "modrelay/console/";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(js|css|svg)");
    private static final ContentType JS = ContentTypes.parse("text/javascript; charset=utf-8");
    private static final ContentType CSS = ContentTypes.parse("text/css; charset=utf-8");
    private static final ContentType SVG = ContentTypes.parse("image/svg+xml");

    /** Files found, by name (a name that is not there is looked up again, and not kept: no growth from guesses). */
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public Route route() {
        return get(() -> concat(
                pathEnd(() -> redirect(akka.http.javadsl.model.Uri.create("/admin/"), StatusCodes.MOVED_PERMANENTLY)),
                pathSingleSlash(() -> file("index.html", ContentTypes.TEXT_HTML_UTF8)),
                path(PathMatchers.segment("assets").slash(PathMatchers.segment()), name -> {
                    if (!ASSET.matcher(name).matches()) return reject();
                    return file(name, contentType(name));
                })));
    }

    private Route file(String name, ContentType type) {
        byte[] bytes = cache.get(name);
        if (bytes == null) {
            Optional<byte[]> found = load(name);
            if (found.isEmpty()) return reject();
            bytes = found.get();
            cache.put(name, bytes);
        }
        return complete(HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(type, bytes)));
    }

    private static ContentType contentType(String name) {
        if (name.endsWith(".js")) return JS;
        if (name.endsWith(".css")) return CSS;
        return SVG;
    }

    private static Optional<byte[]> load(String name) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

}
