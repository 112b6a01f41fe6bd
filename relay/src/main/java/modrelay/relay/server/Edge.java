package modrelay.relay.server;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.model.headers.Connection;
import akka.http.javadsl.settings.ServerSettings;
import akka.stream.Materializer;
import akka.stream.TLSProtocol;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.TLSPlacebo;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import modrelay.config.SafetySettings;
import modrelay.relay.errors.OpenAiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's listening socket, bound below Akka HTTP's own binding so that each connection's bytes
 * pass through the relay's guards before the HTTP parser: TCP ({@link Tcp#bind}) → per-address
 * connection cap ({@link ConnectionCounts}) → {@link ConnectionGuard} → TLS placebo → Akka HTTP's
 * server layer (the same parser and renderer {@code newServerAt().bind} uses) → the handler. Akka's
 * binding has neither guard and offers no byte-level hook.
 *
 * <p>Graceful stop, in the order RelayServer runs it: {@link #drain()} (every new exchange on a
 * kept-alive connection gets 503 with {@code Connection: close}, every response from then on carries
 * {@code Connection: close}), {@link #unbind()} (no new connections), then {@link #closeAll()} once the
 * running exchanges have ended.
 */
public final class Edge {
    private static final Logger LOG = LoggerFactory.getLogger(Edge.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Tcp.ServerBinding binding;
    private final OpenConnections connections;
    private final AtomicBoolean draining;

    private Edge(Tcp.ServerBinding binding, OpenConnections connections, AtomicBoolean draining) {
        this.binding = binding;
        this.connections = connections;
        this.draining = draining;
    }

    /**
     * @param handler        the relay's request handler (Routes)
     * @param idleTimeout    a connection silent both ways this long is closed (akka.http.server.idle-timeout)
     * @param trustedProxies addresses exempt from the per-address cap
     * @param scopes         makes the scope of each new connection (the upstream connections paired with it)
     */
    public static CompletionStage<Edge> bind(ActorSystem<?> system, String host, int port,
            akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler, SafetySettings safety,
            Duration idleTimeout, java.util.function.Predicate<java.net.InetAddress> trustedProxies,
            java.util.function.Supplier<ConnectionScope> scopes) {
        Materializer mat = Materializer.matFromSystem(system);
        ServerSettings serverSettings = ServerSettings.create(system.classicSystem());
        OpenConnections connections = new OpenConnections();
        AtomicBoolean draining = new AtomicBoolean();
        ConnectionCounts counts = new ConnectionCounts(safety.maxConnectionsPerIp(), trustedProxies);
        Warnings warnings = new Warnings();
        // One server layer for every connection, as Akka's own bind does: each serverLayer() call builds and primes its
        // own header parser (about 8 KB of heap, and CPU, per connection, held while it is open); the connections'
        // parsers are copies of this one's. The client address goes on each request in handlerFlow instead.
        BidiFlow<HttpResponse, TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, HttpRequest, NotUsed> serverLayer =
                Http.get(system).serverLayer(serverSettings, Optional.empty(), system.classicSystem().log());
        Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> incoming = Tcp.get(system).bind(host, port,
                serverSettings.getBacklog(), List.of(), false, Optional.of(idleTimeout));
        CompletionStage<Tcp.ServerBinding> bound = incoming
                .mapAsyncUnordered(serverSettings.getMaxConnections(), connection -> serve(connection, mat, serverLayer,
                        handler, scopes, safety.headerReadTimeout(), counts, connections, draining, warnings))
                .to(Sink.ignore())
                .run(mat);
        return bound.thenApply(b -> new Edge(b, connections, draining));
    }

    /** One connection, from accept to close; completes when it has closed. */
    private static CompletionStage<Done> serve(Tcp.IncomingConnection connection, Materializer mat,
            BidiFlow<HttpResponse, TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, HttpRequest, NotUsed> serverLayer,
            akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler,
            java.util.function.Supplier<ConnectionScope> scopes, Duration headerTimeout, ConnectionCounts counts, OpenConnections connections, AtomicBoolean draining,
            Warnings warnings) {
        InetSocketAddress remote = connection.remoteAddress();
        if (!counts.opened(remote.getAddress())) {
            warnings.tooMany(remote);
            connection.handleWith(Flow.fromSinkAndSource(Sink.cancelled(), Source.<ByteString>empty()), mat);
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        ConnectionScope scope = ConnectionScope.NONE;
        try {
            scope = scopes.get();
            ConnectionScope opened = scope;
            ConnectionExchanges exchanges = new ConnectionExchanges();
            CompletableFuture<Done> ended = new CompletableFuture<>();
            BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> guard = BidiFlow.fromGraph(
                    new ConnectionGuard(headerTimeout, exchanges, () -> warnings.slowHeaders(remote), connections, ended));
            Flow<ByteString, ByteString, NotUsed> stack = handlerFlow(handler, opened, exchanges, draining, mat, remote)
                    .join(serverLayer
                            .atop(placebo())
                            .atop(guard));
            connection.handleWith(stack, mat);
            return ended.whenComplete((done, error) -> {
                        counts.closed(remote.getAddress());
                        opened.close();
                    });
        } catch (RuntimeException e) {
            // Never fail the accept stream: that would stop the relay accepting anyone.
            counts.closed(remote.getAddress());
            scope.close();
            LOG.error("could not serve a connection from {}: {}", remote.getAddress().getHostAddress(), e.toString());
            return CompletableFuture.completedFuture(Done.getInstance());
        }
    }

    /** The handler as the server layer drives it: one exchange at a time (pipelining-limit 1), as Akka's bind does. */
    private static Flow<HttpRequest, HttpResponse, NotUsed> handlerFlow(
            akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler, ConnectionScope scope,
            ConnectionExchanges exchanges,
            AtomicBoolean draining, Materializer mat, InetSocketAddress remote) {
        RemoteAddress peer = RemoteAddress.create(remote);
        return Flow.of(HttpRequest.class)
                .mapAsync(1, arrived -> {
                    // what akka.http.server.remote-address-attribute gives when the layer is built per connection
                    HttpRequest request = scope.enter(arrived.addAttribute(AttributeKeys.remoteAddress, peer));
                    exchanges.requestArrived();
                    if (draining.get()) return CompletableFuture.completedFuture(shuttingDown(request, mat));
                    CompletionStage<HttpResponse> answer;
                    try {
                        answer = handler.apply(request);
                    } catch (Exception e) {
                        answer = CompletableFuture.failedFuture(e);
                    }
                    // Counted here, not in a stage of its own after this one: the response leaves this stage next, and every
                    // stage on a connection is held by every open stream.
                    return answer.thenApply(r -> {
                        exchanges.responseOut();
                        return draining.get() ? closing(r) : r;
                    });
                });
    }

    /** A request that arrived on a kept-alive connection after shutdown began: not started, the client told to go. */
    private static HttpResponse shuttingDown(HttpRequest request, Materializer mat) {
        request.discardEntityBytes(mat);
        return OpenAiError.shuttingDown().response(1).addHeader(Connection.create("close"));
    }

    private static HttpResponse closing(HttpResponse r) {
        return r.getHeader(Connection.class).isPresent() ? r : r.addHeader(Connection.create("close"));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> placebo() {
        // SessionBytes is an SslTlsInbound; Java generics cannot say so.
        return (BidiFlow) TLSPlacebo.getInstance();
    }

    public InetSocketAddress localAddress() {
        return binding.localAddress();
    }

    /** From now on no new exchange starts on a kept-alive connection, and every response closes its connection. */
    public void drain() {
        draining.set(true);
    }

    /** Stops accepting connections. */
    public CompletionStage<Done> unbind() {
        return binding.unbind().thenApply(unit -> Done.getInstance());
    }

    /** Closes every connection that is still open. */
    public void closeAll() {
        connections.closeAll();
    }

    /** At most one warning a minute for each kind: a flood must not flood the log. */
    private static final class Warnings {
        private final AtomicLong nextTooMany = new AtomicLong(System.nanoTime());
        private final AtomicLong nextSlow = new AtomicLong(System.nanoTime());
        private final AtomicLong tooMany = new AtomicLong();
        private final AtomicLong slow = new AtomicLong();

        void tooMany(InetSocketAddress remote) {
            long n = tooMany.incrementAndGet();
            if (due(nextTooMany)) {
                tooMany.set(0);
                LOG.warn("connections refused: {} since the last warning, the latest from {} (MAX_CONNECTIONS_PER_IP)", n,
                        remote.getAddress().getHostAddress());
            }
        }

        void slowHeaders(InetSocketAddress remote) {
            long n = slow.incrementAndGet();
            if (due(nextSlow)) {
                slow.set(0);
                LOG.warn("connections closed for sending request headers too slowly: {} since the last warning, the latest "
                        + "from {} (HEADER_READ_TIMEOUT)", n, remote.getAddress().getHostAddress());
            }
        }

        private static boolean due(AtomicLong next) {
            long now = System.nanoTime();
            long at = next.get();
            return now - at >= 0 && next.compareAndSet(at, now + WARN_EVERY_NANOS);
        }
    }
}
