package modrelay.relay.upstream;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.config.UpstreamSettings;

/**
 * Sends requests to the upstream over a pooled client sized for long streams (every live SSE stream
 * holds one connection; Akka's default of 4 per host would cap the relay at 4 streams), with the
 * connect and first-byte deadlines. The body deadlines live with the response entity
 * ({@link BodyDeadlines}).
 */
public final class UpstreamClient {
    private final Http http;
    private final ActorSystem<?> system;
    private final Materializer materializer;
    private final ConnectionPoolSettings poolSettings;

    public UpstreamClient(ActorSystem<?> system, UpstreamSettings settings) {
        this.system = system;
        this.http = Http.get(system);
        this.materializer = Materializer.matFromSystem(system);
        ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
                .withConnectingTimeout(finite(settings.connectTimeout()))
                // The relay enforces IDLE_TIMEOUT on bodies itself, with a clear error; this is a backstop.
                .withIdleTimeout(finite(settings.idleTimeout().plus(settings.firstByteTimeout()).plusSeconds(30)));
        this.poolSettings = ConnectionPoolSettings.create(system.classicSystem())
                .withMaxConnections(settings.maxConnections())
                .withMaxOpenRequests(nextPowerOfTwo(settings.maxConnections() * 2))
                // Retrying is the relay's decision (once, on another key, only before any byte reached the client).
                .withMaxRetries(0)
                .withConnectionSettings(connection);
    }

    private static scala.concurrent.duration.FiniteDuration finite(Duration d) {
        return scala.concurrent.duration.FiniteDuration.create(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static int nextPowerOfTwo(int n) {
        int p = Integer.highestOneBit(Math.max(1, n));
        return p == n ? p : p << 1;
    }

    /**
     * Completes with the response once its headers arrived, or fails with {@link UpstreamFailure.Exception}.
     * A response that arrives after the deadline is cancelled at once, so it never holds a pool slot.
     */
    public CompletionStage<HttpResponse> send(HttpRequest request, Duration firstByteTimeout) {
        CompletableFuture<HttpResponse> result = new CompletableFuture<>();
        Cancellable timer = system.scheduler().scheduleOnce(firstByteTimeout,
                () -> result.completeExceptionally(new UpstreamFailure.Exception(
                        new UpstreamFailure.FirstByteTimeout(firstByteTimeout.toMillis()))),
                system.executionContext());
        http.singleRequest(request, http.defaultClientHttpsContext(), poolSettings, system.classicSystem().log())
                // Explicit executor: Akka's converted futures run plain whenComplete on the common pool,
                // which on a 2-CPU machine starts a new thread per task.
                .whenCompleteAsync((response, error) -> {
                    timer.cancel();
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else if (!result.complete(response)) {
                        discard(response);
                    }
                }, system.executionContext());
        return result;
    }

    /** Frees the connection of a response the relay will not relay (cancels rather than reads the body). */
    public void discard(HttpResponse response) {
        response.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
    }
}
