package modrelay.loadtests.fakes;

import akka.actor.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fake OpenAI-compatible upstream: a real HTTP server on 127.0.0.1 that streams replies token
 * by token the way OpenAI does (Chat Completions, legacy Completions, Responses, models,
 * embeddings, speech, file upload), with controls for tests ({@code x-fake-*} headers, status by
 * API key) and counters that tests can await (open connections, streams started, completed,
 * cancelled).
 *
 * <p>Built for load too: replies are string-assembled, pacing uses timers, and the server
 * accepts thousands of connections and silent streams without timing them out.
 */
public final class FakeUpstream implements AutoCloseable {

    /** Server settings for many concurrent, long and silent streams. */
    private static final Config SERVER_CONFIG = ConfigFactory.parseString("""
            # a loaded benchmark box took more than the default 5 s to start the logger, and the fake exited
            akka.logger-startup-timeout = 30s
            akka.http.server {
              idle-timeout = infinite
              request-timeout = infinite
              backlog = 8192
              max-connections = 100000
              pipelining-limit = 16
              server-header = ""
              parsing.max-content-length = 64m
              # Nagle + delayed ACKs would hold small writes (SSE events, short JSON) for ~40 ms.
              socket-options.tcp-no-delay = true
            }
            """);

    /**
     * @param port 0 for any free port
     * @param tokenInterval the pause between two token events of a stream (zero: no pause)
     * @param defaultReply what the model says when the prompt has no {@code say:}
     * @param statusByKey a request whose {@code Authorization: Bearer <key>} is a key here gets that
     *     status with an OpenAI error body
     * @param retryAfterSeconds the {@code Retry-After} of a 429
     * @param recordRequests keep every request for {@link #requests()}; off for benchmarks
     * @param azure when present, the fake speaks Azure OpenAI instead ({@link FakeAzure})
     * @param provider when present, the fake speaks that provider's OpenAI-compatible endpoint ({@link FakeProvider})
     */

    public record Options(int port, Duration tokenInterval, String defaultReply, Map<String, Integer> statusByKey,
                          int retryAfterSeconds, boolean recordRequests, java.util.Optional<FakeAzure> azure,
                          java.util.Optional<FakeProvider> provider) {
        public static final String DEFAULT_REPLY = "Hello! I am a fake model behind a relay. "
                + "I speak one token at a time, so every sentence arrives in pieces. "
                + "这是一个用于测试的中文句子。";

        public Options {
            statusByKey = Map.copyOf(statusByKey);
            if (tokenInterval.isNegative()) throw new IllegalArgumentException("tokenInterval < 0");
        }

        public Options(int port, Duration tokenInterval, String defaultReply, Map<String, Integer> statusByKey,
                       int retryAfterSeconds, boolean recordRequests, java.util.Optional<FakeAzure> azure) {
            this(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure,
                    java.util.Optional.empty());
        }

        public static Options defaults() {
            return new Options(0, Duration.ofMillis(20), DEFAULT_REPLY, Map.of(), 1, true, java.util.Optional.empty());
        }

        public Options withPort(int port) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        public Options withTokenInterval(Duration tokenInterval) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        public Options withDefaultReply(String defaultReply) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        public Options withStatusByKey(Map<String, Integer> statusByKey) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        /** Adds one key to {@link #statusByKey}. */
        public Options withStatusForKey(String apiKey, int status) {
            Map<String, Integer> more = new HashMap<>(statusByKey);
            more.put(apiKey, status);
            return withStatusByKey(more);
        }

        public Options withRetryAfterSeconds(int retryAfterSeconds) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        public Options withRecordRequests(boolean recordRequests) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure, provider);
        }

        /** Speak Azure OpenAI: deployment paths, {@code api-version}, {@code api-key}, Azure's errors and filter results. */
        /** Speak a provider's OpenAI-compatible endpoint: its path prefix, its rejected fields, its stream shape. */
        public Options withProvider(FakeProvider provider) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests, azure,
                    java.util.Optional.of(provider));
        }

        public Options withAzure(FakeAzure azure) {
            return new Options(port, tokenInterval, defaultReply, statusByKey, retryAfterSeconds, recordRequests,
                    java.util.Optional.of(azure), provider);
        }
    }

    /**
     * A request as the fake received it. {@code headers} maps lower-case names to values (repeated
     * headers joined with ", "), including {@code content-type}; {@code body} is the raw bytes.
     */
    public record RecordedRequest(String method, String path, Map<String, String> headers, byte[] body) {
        /** The value of a header, looked up case-insensitively; null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ActorSystem system;
    private final ServerBinding binding;
    private final FakeUpstreamCounter connections;
    private final FakeUpstreamCounter accepted;
    private final FakeUpstreamCounter received;
    private final FakeUpstreamStreams streams;
    private final Queue<RecordedRequest> recorded;
    private String scheme = "http";

    private FakeUpstream(ActorSystem system, ServerBinding binding, FakeUpstreamCounter connections, FakeUpstreamCounter accepted, FakeUpstreamCounter received,
                         FakeUpstreamStreams streams, Queue<RecordedRequest> recorded) {
        this.system = system;
        this.binding = binding;
        this.connections = connections;
        this.accepted = accepted;
        this.received = received;
        this.streams = streams;
        this.recorded = recorded;
    }

    public static FakeUpstream start(Options options) {
        ActorSystem system = ActorSystem.create("fake-upstream", SERVER_CONFIG.withFallback(ConfigFactory.load()));
        try {
            Materializer materializer = Materializer.matFromSystem(system);
            FakeUpstreamCounter connections = new FakeUpstreamCounter();
            FakeUpstreamCounter accepted = new FakeUpstreamCounter();
            FakeUpstreamStreams streams = new FakeUpstreamStreams();
            Queue<RecordedRequest> recorded = new ConcurrentLinkedQueue<>();
            FakeUpstreamCounter received = new FakeUpstreamCounter();
            FakeUpstreamHandler handler = new FakeUpstreamHandler(options, system, materializer, recorded, received);
            // Bound connection by connection (not bind(handler)) so that each one can be counted
            // in and, once it and its streams have ended, out again.
            ServerBinding binding = Http.get(system)
                    .newServerAt("127.0.0.1", options.port())
                    .connectionSource()
                    .to(Sink.foreach(connection -> connection.handleWith(
                            new FakeUpstreamConnection(connections, accepted, streams).serve(handler), materializer)))
                    .run(materializer)
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return new FakeUpstream(system, binding, connections, accepted, received, streams, recorded);
        } catch (Exception bindFailed) {
            system.terminate();
            throw new IllegalStateException("fake upstream could not bind port " + options.port(), bindFailed);
        }
    }

    /**
     * The same fake speaking HTTP/2 as well as HTTP/1.1 on its port: HTTP/2 with prior knowledge (h2c), as a client
     * that knows the server speaks it connects. {@link #connectionsAccepted()} counts the distinct client connections
     * (by address) that sent requests; {@link #openConnections()} is not tracked here (Akka's HTTP/2 server does not
     * tell when a connection ends). Every stream is counted as on the HTTP/1.1 fake: a stream whose HTTP/2 stream the
     * client reset counts as cancelled.
     */
    public static FakeUpstream startHttp2(Options options) {
        return startHttp2(options, null);
    }

    /**
     * As {@link #startHttp2(Options)}, over TLS with this server context when it is not null: HTTP/2 is then agreed by
     * ALPN, as with a real upstream, and {@link #baseUrl()} is {@code https://127.0.0.1:<port>}.
     */
    public static FakeUpstream startHttp2(Options options, akka.http.javadsl.HttpsConnectionContext tls) {
        ActorSystem system = ActorSystem.create("fake-upstream-h2", ConfigFactory.parseString("""
                akka.http.server.enable-http2 = on
                # The bench holds thousands of streams on a few connections; Akka's default is 256.
                akka.http.server.http2.max-concurrent-streams = 16384
                akka.http.server.remote-address-attribute = on
                """).withFallback(SERVER_CONFIG).withFallback(ConfigFactory.load()));
        try {
            Materializer materializer = Materializer.matFromSystem(system);
            FakeUpstreamCounter accepted = new FakeUpstreamCounter();
            FakeUpstreamStreams streams = new FakeUpstreamStreams();
            Queue<RecordedRequest> recorded = new ConcurrentLinkedQueue<>();
            FakeUpstreamCounter received = new FakeUpstreamCounter();
            FakeUpstreamHandler handler = new FakeUpstreamHandler(options, system, materializer, recorded, received);
            java.util.Set<Integer> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
            FakeUpstreamCounter untracked = new FakeUpstreamCounter();
            var server = Http.get(system).newServerAt("127.0.0.1", options.port());
            if (tls != null) server = server.enableHttps(tls);
            ServerBinding binding = server
                    .bind((akka.japi.function.Function<akka.http.javadsl.model.HttpRequest,
                            CompletionStage<akka.http.javadsl.model.HttpResponse>>) request -> {
                        request.getAttribute(akka.http.javadsl.model.AttributeKeys.remoteAddress)
                                .map(akka.http.javadsl.model.RemoteAddress::getPort).filter(clients::add).ifPresent(first -> accepted.increment());
                        // One "connection" per request: its streams are counted, and ended by the client's reset.
                        return handler.handle(request, new FakeUpstreamConnection(untracked, untracked, streams));
                    })
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            FakeUpstream upstream = new FakeUpstream(system, binding, untracked, accepted, received, streams, recorded);
            upstream.scheme = tls != null ? "https" : "http";
            return upstream;
        } catch (Exception bindFailed) {
            system.terminate();
            throw new IllegalStateException("fake upstream could not bind port " + options.port(), bindFailed);
        }
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} (https for a TLS fake); OpenAI clients want {@code baseUrl() + "/v1"}. */
    public String baseUrl() {
        return scheme + "://127.0.0.1:" + port();
    }

    /** Every request so far, oldest first (empty when recording is off). */
    public List<RecordedRequest> requests() {
        return List.copyOf(recorded);
    }

    public int openConnections() {
        return connections.get();
    }

    /** Completes as soon as at most {@code n} TCP connections are open. */
    public CompletionStage<Void> whenOpenConnectionsAtMost(int n) {
        return connections.whenAtMost(n);
    }

    /** Completes once {@code n} requests (bodies read) have been received since the start, recorded or not. */
    public CompletionStage<Void> whenRequestsReceived(int n) {
        return received.whenAtLeast(n);
    }

    /** TCP connections accepted since the start, closed ones included. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    public int streamsStarted() {
        return streams.started.get();
    }

    public int streamsCompleted() {
        return streams.completed.get();
    }

    /** Streamed bodies cancelled before their end: the client (or relay) went away. */
    public int streamsCancelled() {
        return streams.cancelled.get();
    }

    public CompletionStage<Void> whenStreamsStarted(int n) {
        return streams.started.whenAtLeast(n);
    }

    public CompletionStage<Void> whenStreamsCompleted(int n) {
        return streams.completed.whenAtLeast(n);
    }

    public CompletionStage<Void> whenStreamsCancelled(int n) {
        return streams.cancelled.whenAtLeast(n);
    }

    /** The body {@code POST /v1/audio/speech} answers for this {@code input}, byte for byte. */
    public static byte[] speechBytes(String input) {
        return FakeSpeechReplies.speechBytes(input);
    }

    /** Stops the server and its actor system; open streams are cut. */
    @Override
    public void close() {
        try {
            binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Terminating the system below releases the port anyway.
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake upstream did not stop within 10 s", e);
        }
    }

    /**
     * {@code java ... FakeUpstream [port] [tokenIntervalMs]}: runs until killed and prints its base
     * URL on a line of its own (starting with {@code http://}). Requests are not recorded.
     */
    public static void main(String[] args) {
        // Keep stdout to the base URL (scripts read it) unless the operator asks for more.
        if (System.getProperty("akka.loglevel") == null) System.setProperty("akka.loglevel", "WARNING");
        Options options = Options.defaults().withRecordRequests(false);
        if (args.length > 0) options = options.withPort(Integer.parseInt(args[0]));
        if (args.length > 1) options = options.withTokenInterval(Duration.ofMillis(Long.parseLong(args[1])));
        // A third argument "h2" serves HTTP/2 (h2c) as well (startHttp2).
        FakeUpstream upstream = args.length > 2 && args[2].equals("h2") ? startHttp2(options) : start(options);
        // No shutdown hook of our own: Akka's coordinated shutdown already stops the system on SIGTERM.
        System.out.println(upstream.baseUrl());
        upstream.system.getWhenTerminated().toCompletableFuture().join();
    }
}
