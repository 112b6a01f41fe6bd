package modrelay.relay.exchange;

import akka.http.javadsl.model.HttpRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import modrelay.relay.access.Admission;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.request.CanonicalPath;
import modrelay.relay.request.JsonBody;
import modrelay.relay.endpoint.RequestModel;

/**
 * The canonical request: what the request filters read once and every later step uses instead of
 * looking at raw bytes again. Filled in order by the pipeline (canonical path, then admission, then
 * body); a step that runs before a field is set sees its empty value.
 *
 * @param http         the request as received: its headers; its entity is read by the body filter alone
 * @param canonical    the decoded, validated path after the route prefix
 * @param endpoint     what the canonical path and method are, from the endpoint catalogue
 * @param query        the raw query string, or empty
 * @param admission    who the client is (proxy key, sub-key, open)
 * @param upstreamKey  the upstream key the client brought, used where an upstream holds none
 * @param body         what goes upstream: bytes the relay read (flags removed) or the client's stream
 * @param json         the one parse of a JSON body, where the relay read one
 * @param model        the model the request names, as read from the body (or the Azure deployment)
 * @param laterRefusal completes when a streamed multipart form turns out to name a refused model
 */
public record Inbound(
        HttpRequest http,
        CanonicalPath canonical,
        Endpoint endpoint,
        Optional<String> query,
        Admission admission,
        Optional<String> upstreamKey,
        UpstreamBody body,
        Optional<JsonBody> json,
        RequestModel model,
        Optional<CompletableFuture<OpenAiError>> laterRefusal) {

    public static Inbound of(HttpRequest http) {
        return new Inbound(http, null, Endpoints.UNKNOWN, Optional.empty(), null, Optional.empty(), null, Optional.empty(), RequestModel.MISSING,
                Optional.empty());
    }

    public Inbound withPath(CanonicalPath p, Optional<String> q) {
        return new Inbound(http, p, Endpoints.classify(http.method().value(), p.decoded()), q, admission, upstreamKey, body, json, model, laterRefusal);
    }

    public Inbound withAdmission(Admission a, Optional<String> key) {
        return new Inbound(http, canonical, endpoint, query, a, key, body, json, model, laterRefusal);
    }

    public Inbound withBody(UpstreamBody b, Optional<JsonBody> j, RequestModel m, Optional<CompletableFuture<OpenAiError>> later) {
        return new Inbound(http, canonical, endpoint, query, admission, upstreamKey, b, j, m, later);
    }

    public Inbound withModel(RequestModel m) {
        return new Inbound(http, canonical, endpoint, query, admission, upstreamKey, body, json, m, laterRefusal);
    }
}
