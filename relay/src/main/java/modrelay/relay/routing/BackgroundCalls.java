package modrelay.relay.routing;

import akka.http.javadsl.model.HttpRequest;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import modrelay.relay.upstream.UpstreamClient;

/**
 * The relay's own calls to upstreams, off the request path: the health probe and the model list.
 * Keys come from each upstream's pool and never appear in a log line.
 */
final class BackgroundCalls implements UpstreamHealth.Prober, ModelCatalog.Lister {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_LIST_BYTES = 8L * 1024 * 1024;

    private final List<Upstream> upstreams;
    private final UpstreamClient client;
    private final Duration timeout;
    private final Materializer materializer;

    BackgroundCalls(List<Upstream> upstreams, UpstreamClient client, Duration timeout, Materializer materializer) {
        this.upstreams = upstreams;
        this.client = client;
        this.timeout = timeout;
        this.materializer = materializer;
    }

    /** {@code GET <api root>/models}, for Azure {@code GET /openai/models?api-version=…}: alive when it answers below 500. */
    @Override
    public CompletionStage<Boolean> probe(int index) {
        return client.send(modelsRequest(upstreams.get(index)), timeout).thenApply(response -> {
            client.discard(response);
            return response.status().intValue() < 500;
        });
    }

    /** An OpenAI-compatible upstream's {@code /v1/models}, when the relay holds a key for it; Azure lists no deployments. */
    @Override
    public Optional<CompletionStage<List<String>>> list(int index) {
        Upstream u = upstreams.get(index);
        if (u.azure() || u.anyKey().isEmpty()) return Optional.empty();
        return Optional.of(client.send(modelsRequest(u), timeout).thenCompose(response -> {
            if (!response.status().isSuccess()) {
                client.discard(response);
                throw new IllegalStateException("status " + response.status().intValue());
            }
            return response.entity().toStrict(timeout.toMillis(), MAX_LIST_BYTES, materializer)
                    .thenApply(strict -> ids(strict.getData().toArray()));
        }));
    }

    static List<String> ids(byte[] body) {
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode m : JSON.readTree(body).path("data")) {
                if (m.path("id").isTextual()) out.add(m.path("id").textValue());
            }
        } catch (Exception notJson) {
            throw new IllegalStateException("not a model list");
        }
        return out;
    }

    private static HttpRequest modelsRequest(Upstream u) {
        String url = u.azure()
                ? u.endpoint().origin() + "/openai/models?api-version=" + u.endpoint().apiVersion()
                : u.endpoint().apiRoot() + "/models";
        HttpRequest request = HttpRequest.GET(url);
        Optional<String> key = u.anyKey();
        return key.isPresent() ? request.addHeader(u.credential(key.get())) : request;
    }
}
