package modrelay.relay.upstream;

import akka.http.javadsl.model.Uri;

/** Where a connection goes: what one paired connection serves. */
record UpstreamHost(boolean https, String address, int port) {
    static UpstreamHost of(Uri uri) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        return new UpstreamHost(https, uri.getHost().address(), uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80);
    }

    // Written out: a record's generated equals goes through method handles, and a pair's host is compared on
    // every request (0.4% of the relay's CPU on small requests).
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof UpstreamHost h && https == h.https && port == h.port && address.equals(h.address);
    }

    @Override
    public int hashCode() {
        return (address.hashCode() * 31 + port) * 2 + (https ? 1 : 0);
    }
}
