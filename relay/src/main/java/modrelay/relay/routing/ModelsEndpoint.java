package modrelay.relay.routing;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import modrelay.relay.errors.OpenAiError;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} when upstreams are declared: answered from the
 * list {@link ModelCatalog} publishes, without calling an upstream. With the single default upstream
 * the relay has no list of its own and these requests go upstream like any other.
 */
public final class ModelsEndpoint {
    private static final String LIST = "/v1/models";
    private static final String ONE = "/v1/models/";

    private final AtomicReference<ModelList> models;

    ModelsEndpoint(AtomicReference<ModelList> models) {
        this.models = models;
    }

    /** The list as last published. */
    ModelList list() {
        return models.get();
    }

    /** Whether this endpoint answers {@code method path} (path without its query). */
    public static boolean serves(HttpMethod method, String path) {
        return method.equals(HttpMethods.GET) && (path.equals(LIST) || path.startsWith(ONE));
    }

    /** The answer to a request {@link #serves} accepted; the caller adds the request id and logs it. */
    public HttpResponse answer(String path) {
        ModelList list = models.get();
        if (path.equals(LIST)) return json(list.json());
        String id = URLDecoder.decode(path.substring(ONE.length()), StandardCharsets.UTF_8);
        return list.one(id).map(ModelsEndpoint::json)
                .orElseGet(() -> new OpenAiError(StatusCodes.NOT_FOUND, "The model '" + id + "' does not exist on this relay.",
                        "invalid_request_error", "model_not_found").response());
    }

    private static HttpResponse json(akka.util.ByteString body) {
        return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }
}
