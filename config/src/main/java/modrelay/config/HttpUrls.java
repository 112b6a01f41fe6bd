package modrelay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The one check for upstream base URLs, wherever they are declared. */
final class HttpUrls {
    private HttpUrls() {}

    /**
     * An http(s) URL with a host and no query, fragment or user info; trailing slashes dropped.
     *
     * @param setting the name to put in the error ("UPSTREAM_URL", "UPSTREAMS[1].url")
     * @param example shown in the error as what a good value looks like
     */
    static URI parse(String setting, String raw, String example) {
        String v = raw.trim();
        while (v.endsWith("/")) v = v.substring(0, v.length() - 1);
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigException(setting + " must be an http:// or https:// URL like " + example + ", got \"" + raw + "\"");
    }
}
