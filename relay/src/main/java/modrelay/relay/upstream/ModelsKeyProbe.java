package modrelay.relay.upstream;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import modrelay.config.Secret;
import modrelay.config.UpstreamEndpoint;
import modrelay.config.UpstreamKind;

/**
 * The cheapest question an upstream answers per key: {@code GET <api root>/models} (Azure:
 * {@code GET /openai/models?api-version=…} with {@code api-key}), through the relay's own upstream
 * client. Reads at most 16 KB of the answer, to tell an invalid key from a missing scope.
 */
public final class ModelsKeyProbe implements KeyProbe {
    private static final long MAX_BODY = 16 * 1024;

    private final UpstreamClient client;
    private final UpstreamEndpoint endpoint;
    private final Duration timeout;
    private final Materializer materializer;

    public ModelsKeyProbe(UpstreamClient client, UpstreamEndpoint endpoint, Duration timeout, Materializer materializer) {
        this.client = client;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.materializer = materializer;
    }

    @Override
    public CompletionStage<Outcome> probe(Secret key) {
        boolean azure = endpoint.kind() == UpstreamKind.AZURE;
        String url = azure
                ? endpoint.origin() + "/openai/models?api-version=" + endpoint.apiVersion()
                : endpoint.apiRoot() + "/models";
        HttpRequest request = HttpRequest.GET(url)
                .addHeader(azure ? RawHeader.create("api-key", key.reveal()) : Authorization.oauth2(key.reveal()));
        return client.send(request, timeout).thenCompose(response -> {
            int status = response.status().intValue();
            if (status != 401) {
                client.discard(response);
                return java.util.concurrent.CompletableFuture.completedFuture(ProbeAnswer.of(status, new byte[0]));
            }
            return response.entity().toStrict(timeout.toMillis(), MAX_BODY, materializer)
                    .thenApply(strict -> ProbeAnswer.of(status, strict.getData().toArray()))
                    .exceptionally(e -> ProbeAnswer.of(status, new byte[0]));
        });
    }
}
