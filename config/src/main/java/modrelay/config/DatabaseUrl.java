package modrelay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL connection: a JDBC URL without credentials, and the user and password apart, so the
 * password never travels in a URL that a pool or driver might log. {@link #toString()} hides it.
 *
 * <p>Accepted: {@code postgres://user:pass@host:port/db?opts} (also {@code postgresql://}, as
 * hosting platforms hand it out) and {@code jdbc:postgresql://host:port/db?user=..&password=..}.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<Secret> password) {

    public static DatabaseUrl parse(String var, String raw) {
        String v = raw.trim();
        try {
            if (v.startsWith("postgres://") || v.startsWith("postgresql://")) return fromUri(v);
            if (v.startsWith("jdbc:postgresql:")) return fromJdbc(v);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // reported below, without the value: it may hold a password
        }
        int scheme = v.indexOf("://");
        String shown = scheme > 0 && scheme < 20 ? " starting with \"" + v.substring(0, scheme + 3) + "\"" : "";
        throw new ConfigException(var + " must look like postgres://user:password@host:5432/db or "
                + "jdbc:postgresql://host:5432/db?user=..&password=.., got a value of " + v.length() + " characters" + shown);
    }

    private static DatabaseUrl fromUri(String v) throws URISyntaxException {
        URI uri = new URI(v);
        String host = uri.getHost();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (host == null || host.isEmpty() || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("incomplete");
        }
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String u = decodeUserInfo(colon < 0 ? info : info.substring(0, colon));
            if (!u.isEmpty()) user = Optional.of(u);
            if (colon >= 0 && colon < info.length() - 1) password = Optional.of(Secret.of(decodeUserInfo(info.substring(colon + 1))));
        }
        Query q = Query.split(uri.getRawQuery());
        if (user.isEmpty()) user = q.user;
        if (password.isEmpty()) password = q.password;
        String jdbc = "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path + q.rest();
        return new DatabaseUrl(jdbc, user, password);
    }

    private static DatabaseUrl fromJdbc(String v) {
        int qm = v.indexOf('?');
        String base = qm < 0 ? v : v.substring(0, qm);
        if (base.length() <= "jdbc:postgresql:".length()) throw new IllegalArgumentException("incomplete");
        Query q = Query.split(qm < 0 ? null : v.substring(qm + 1));
        return new DatabaseUrl(base + q.rest(), q.user, q.password);
    }

    /** The query without user and password, which are taken out. */
    private record Query(List<String> kept, Optional<String> user, Optional<Secret> password) {
        static Query split(String raw) {
            List<String> kept = new ArrayList<>();
            Optional<String> user = Optional.empty();
            Optional<Secret> password = Optional.empty();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) continue;
                    int eq = pair.indexOf('=');
                    String name = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    if (name.equals("user")) {
                        if (!value.isEmpty()) user = Optional.of(value);
                    } else if (name.equals("password")) {
                        if (!value.isEmpty()) password = Optional.of(Secret.of(value));
                    } else {
                        kept.add(pair);
                    }
                }
            }
            return new Query(kept, user, password);
        }

        String rest() {
            return kept.isEmpty() ? "" : "?" + String.join("&", kept);
        }
    }

    /** A query value: '+' is a space there. */
    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A user or password in the authority: '+' is itself there, only %XX is decoded. */
    private static String decodeUserInfo(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl(" + jdbcUrl + ", user=" + user.orElse("-") + ", password=" + (password.isPresent() ? "…" : "-") + ")";
    }
}
