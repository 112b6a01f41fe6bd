package modrelay.relay.pipeline;

import modrelay.relay.http.RequestIds;
import modrelay.relay.response.ResponseEnd;
import modrelay.relay.response.ClientBody;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import modrelay.config.Settings;
import modrelay.moderation.Moderator;
import modrelay.moderation.Policy;
import modrelay.relay.access.ProxyKeyGuard;
import modrelay.relay.exchange.BodyEnd;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.observability.Observability;
import modrelay.relay.pipeline.RelayPipeline;
import modrelay.relay.routing.UpstreamRouter;

/**
 * Where a relayed request enters {@link RelayPipeline} and where its end is counted: exchanges from
 * arrival until their response body has been sent, which graceful shutdown waits for.
 */
public final class ProxyHandler {
    private final RelayPipeline pipeline;
    private final InFlight inFlight = new InFlight();
    private final Observability observability;

    public ProxyHandler(Settings settings, ProxyKeyGuard guard, UpstreamRouter router, Policy policy, Optional<Moderator> moderator,
            Materializer materializer, Observability observability) {
        this.pipeline = new RelayPipeline(settings, guard, router, policy, moderator, materializer, observability);
        this.observability = observability;
    }

    /**
     * @param clientIp  the socket's peer address (never X-Forwarded-For: that can be forged)
     * @param requestId the id the client gets back ({@link RequestIds}), for the logs and the chat log
     */
    public CompletionStage<HttpResponse> handle(HttpRequest request, String clientIp, String requestId) {
        BodyEnd end = inFlight.begin();
        Exchange arriving = Exchange.arriving(requestId, clientIp, request, end, observability.usage().trace());
        return pipeline.run(arriving).handle((response, error) -> {
            if (error != null) {
                end.run();
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            if (response.entity().isStrict()) {
                end.run();
                return response;
            }
            // Streamed bodies end in the shaper's ClientBody stage; anything else is watched here.
            return end.attached() ? response : ResponseEnd.whenSent(response, end::run);
        });
    }

    /** Exchanges from arrival until their response body has ended (graceful shutdown waits for them). */
    public InFlight inFlight() {
        return inFlight;
    }
}
