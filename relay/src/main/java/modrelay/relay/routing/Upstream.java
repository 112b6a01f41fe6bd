package modrelay.relay.routing;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.Optional;
import modrelay.config.UpstreamEndpoint;
import modrelay.config.UpstreamKind;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.KeySnapshot;

/** One configured upstream at run time: its settings and, when it holds keys, its own key pool. */
public record Upstream(int index, UpstreamEndpoint endpoint, Optional<KeyPoolClient> keys) {

    public String name() {
        return endpoint.name();
    }

    public boolean azure() {
        return endpoint.kind() == UpstreamKind.AZURE;
    }

    /** How the key goes upstream: {@code api-key} for Azure, a bearer token otherwise. */
    public HttpHeader credential(String key) {
        return azure() ? RawHeader.create("api-key", key) : Authorization.oauth2(key);
    }

    /** A key for a background call (probe, model list): any usable one. */
    Optional<String> anyKey() {
        if (keys.isEmpty()) return Optional.empty();
        KeySnapshot.Pick pick = keys.get().pick(Optional.empty());
        return pick instanceof KeySnapshot.Pick.Key k ? Optional.of(k.key().secret().reveal()) : Optional.empty();
    }

    /** Where a client's path goes: {@code /v1/<rest>} under the API root, anything else under the origin. */
    String openAiUrl(String pathAndQuery) {
        if (pathAndQuery.startsWith("/v1/") || pathAndQuery.equals("/v1") || pathAndQuery.startsWith("/v1?")) {
            return endpoint.apiRoot() + pathAndQuery.substring(3);
        }
        return endpoint.origin() + pathAndQuery;
    }
}
