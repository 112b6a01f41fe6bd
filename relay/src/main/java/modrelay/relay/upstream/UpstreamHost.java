package modrelay.relay.upstream;

import akka.http.javadsl.model.Uri;

/** Where a connection goes: what one paired connection serves. */
record UpstreamHost(boolean https, String address, int port) {
    static UpstreamHost of(Uri uri) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        return new UpstreamHost(https, uri.getHost().address(), uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80);
    }
}
