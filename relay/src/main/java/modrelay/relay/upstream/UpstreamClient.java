package modrelay.relay.upstream;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.OutgoingConnectionBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.config.UpstreamSettings;

/**
 * Sends requests to the upstream over a pooled client sized for long streams (every live SSE stream
 * holds one connection; Akka's default of 4 per host would cap the relay at 4 streams), with the
 * connect and first-byte deadlines. Idle pooled connections are closed after UPSTREAM_KEEP_ALIVE, before
 * a typical upstream closes them itself. The body deadlines live with the response entity ({@link BodyDeadlines}).
 */
public final class UpstreamClient {
    private final Http http;
    private final ActorSystem<?> system;
    private final Materializer materializer;
    private final ClientConnectionSettings connection;
    private final ConnectionPoolSettings poolSettings;
    /** Empty when UPSTREAM_PAIR_CONNECTIONS is off, or UPSTREAM_HTTP2 is true (all). */
    private final Optional<PairedConnectionBudget> pairing;
    /** Present unless UPSTREAM_HTTP2 is off: the exchanges {@link #overHttp2} picks go through it. */
    private final Optional<Http2Connections> http2;
    private final UpstreamSettings.Http2Use http2Use;
    private final long keepAliveNanos;

    public UpstreamClient(ActorSystem<?> system, UpstreamSettings settings) {
        this.system = system;
        this.http = Http.get(system);
        this.materializer = Materializer.matFromSystem(system);
        this.connection = ClientConnectionSettings.create(system.classicSystem())
                .withConnectingTimeout(finite(settings.connectTimeout()))
                // The relay enforces IDLE_TIMEOUT on bodies itself, with a clear error; this is a backstop.
                .withIdleTimeout(finite(settings.idleTimeout().plus(settings.firstByteTimeout()).plusSeconds(30)));
        this.poolSettings = ConnectionPoolSettings.create(system.classicSystem())
                .withMaxConnections(settings.maxConnections())
                .withMaxOpenRequests(nextPowerOfTwo(settings.maxConnections() * 2))
                // Retrying is the relay's decision (RetryPolicy: only before any byte reached the client).
                .withMaxRetries(0)
                // Counted from the end of a connection's last response: a connection idle this long is closed, not reused.
                .withKeepAliveTimeout(finite(settings.keepAlive()))
                .withConnectionSettings(connection);
        this.keepAliveNanos = settings.keepAlive().toNanos();
        this.http2Use = settings.http2();
        this.http2 = http2Use != UpstreamSettings.Http2Use.OFF
                ? Optional.of(new Http2Connections(http, connection, materializer, system.classicSystem().log(),
                        settings.maxConnections(), settings.http2Streams()))
                : Optional.empty();
        // With every exchange over HTTP/2, a client connection's requests share the upstream connections anyway.
        this.pairing = settings.pairConnections() && http2Use != UpstreamSettings.Http2Use.ALL
                ? Optional.of(new PairedConnectionBudget(http, connection, materializer, system.classicSystem().log(),
                        settings.maxConnections()))
                : Optional.empty();
        Duration every = Duration.ofMillis(Math.max(250, settings.keepAlive().toMillis() / 2));
        pairing.ifPresent(budget ->
                system.scheduler().scheduleWithFixedDelay(every, every, () -> budget.sweep(keepAliveNanos), system.executionContext()));
        http2.ifPresent(connections ->
                system.scheduler().scheduleWithFixedDelay(every, every, () -> connections.sweep(keepAliveNanos), system.executionContext()));
    }

    /** HTTP/2 connections to upstreams open right now (0 when UPSTREAM_HTTP2 is off). */
    public int http2Connections() {
        return http2.map(Http2Connections::open).orElse(0);
    }

    /** Paired upstream connections open right now (0 when pairing is off). */
    public int pairedConnections() {
        return pairing.map(PairedConnectionBudget::open).orElse(0);
    }

    /** For one client connection: the upstream connections that will serve it alone; empty when pairing is off. */
    public Optional<ConnectionPairs> pairsForClientConnection() {
        return pairing.map(PairedConnectionBudget::forClientConnection);
    }

    private static scala.concurrent.duration.FiniteDuration finite(Duration d) {
        return scala.concurrent.duration.FiniteDuration.create(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static int nextPowerOfTwo(int n) {
        int p = Integer.highestOneBit(Math.max(1, n));
        return p == n ? p : p << 1;
    }

    /** The idle time after which a pooled connection is closed rather than reused. */
    public Duration keepAlive() {
        return Duration.ofMillis(poolSettings.getKeepAliveTimeout().toMillis());
    }

    /**
     * Completes with the response once its headers arrived, or fails with {@link UpstreamFailure.Exception}.
     * A response that arrives after the deadline is cancelled at once, so it never holds a pool slot.
     */
    public CompletionStage<HttpResponse> send(HttpRequest request, Duration firstByteTimeout) {
        return send(request, firstByteTimeout, Optional.empty(), false);
    }

    /**
     * Whether this exchange goes over HTTP/2 (UPSTREAM_HTTP2): all, or only those whose request asked for a stream
     * ({@code stream}, from the canonical request). Long streams are where a shared connection saves memory; Akka's
     * HTTP/2 client costs a small request more CPU than its HTTP/1.1 one.
     */
    private boolean overHttp2(boolean stream) {
        return http2Use == UpstreamSettings.Http2Use.ALL || (stream && http2Use == UpstreamSettings.Http2Use.STREAMS);
    }

    /**
     * As {@link #send(HttpRequest, Duration)}: over HTTP/2 when {@link #overHttp2} says so; else on the connection
     * paired with the client's connection when it has one free (the host pool's queue and hand-offs are most of the cost
     * of a small request); else through the pool.
     */
    public CompletionStage<HttpResponse> send(HttpRequest request, Duration firstByteTimeout, Optional<ConnectionPairs> pairs,
            boolean stream) {
        if (overHttp2(stream)) return sendOverHttp2(request, firstByteTimeout);
        if (pairs.isPresent()) {
            Optional<ConnectionPairs.Sent> sent = pairs.get().trySend(request, keepAliveNanos);
            if (sent.isPresent()) {
                PairedConnection on = sent.get().on();
                // Completed on the connection's own stream thread, not the common pool: the answer goes on from there.
                return withDeadline(sent.get().response(), firstByteTimeout, on::abort, Runnable::run);
            }
        }
        return withDeadline(http.singleRequest(request, http.defaultClientHttpsContext(), poolSettings, system.classicSystem().log()),
                firstByteTimeout, () -> {});
    }

    /**
     * As {@link #send}, over a connection opened for this request alone and closed after its response: for the
     * one retry of a request whose pooled connection the upstream had closed, so it cannot meet another stale one.
     */
    public CompletionStage<HttpResponse> sendOnNewConnection(HttpRequest request, Duration firstByteTimeout, boolean stream) {
        // Over HTTP/2 the connection that closed is gone from the shared ones already: the retry takes another.
        if (overHttp2(stream)) return sendOverHttp2(request, firstByteTimeout);
        Uri uri = request.getUri();
        UpstreamHost host = UpstreamHost.of(uri);
        boolean https = host.https();
        OutgoingConnectionBuilder builder = host.connection(http, connection, system.classicSystem().log());
        // The request side stays open until the response body has ended: some servers take a half-closed
        // connection for a client that left and cut the response.
        var materialized = Source.single(request.withUri(uri.toRelative()))
                .concatMat(Source.<HttpRequest>maybe(), Keep.right())
                .viaMat(KillSwitches.single(), Keep.both())
                .via(https ? builder.https() : builder.http())
                .toMat(Sink.head(), Keep.both())
                .run(materializer);
        CompletableFuture<Optional<HttpRequest>> endRequests = materialized.first().first();
        UniqueKillSwitch abort = materialized.first().second();
        Runnable close = () -> endRequests.complete(Optional.empty());
        return withDeadline(materialized.second().thenApply(response -> EntityEnd.watch(response, error -> close.run())),
                firstByteTimeout,
                () -> abort.abort(new UpstreamFailure.Exception(new UpstreamFailure.FirstByteTimeout(firstByteTimeout.toMillis()))));
    }

    private CompletionStage<HttpResponse> sendOverHttp2(HttpRequest request, Duration firstByteTimeout) {
        Http2Connections.Sent sent = http2.get().send(request);
        Http2Connection on = sent.on();
        return withDeadline(sent.response(), firstByteTimeout, on == null ? () -> {} : on::retire);
    }

    private CompletionStage<HttpResponse> withDeadline(CompletionStage<HttpResponse> sending, Duration firstByteTimeout,
            Runnable onTimeout) {
        return withDeadline(sending, firstByteTimeout, onTimeout, system.executionContext());
    }

    private CompletionStage<HttpResponse> withDeadline(CompletionStage<HttpResponse> sending, Duration firstByteTimeout,
            Runnable onTimeout, java.util.concurrent.Executor continueOn) {
        CompletableFuture<HttpResponse> result = new CompletableFuture<>();
        Cancellable timer = system.scheduler().scheduleOnce(firstByteTimeout, () -> {
            if (result.completeExceptionally(new UpstreamFailure.Exception(new UpstreamFailure.FirstByteTimeout(firstByteTimeout.toMillis())))) {
                onTimeout.run();
            }
        }, system.executionContext());
        // Explicit executor: Akka's converted futures run plain whenComplete on the common pool,
        // which on a 2-CPU machine starts a new thread per task.
        sending.whenCompleteAsync((response, error) -> {
            timer.cancel();
            if (error != null) {
                result.completeExceptionally(error);
            } else if (!result.complete(response)) {
                discard(response);
            }
        }, continueOn);
        return result;
    }

    /** Frees the connection of a response the relay will not relay (cancels rather than reads the body). */
    public void discard(HttpResponse response) {
        response.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
    }
}
