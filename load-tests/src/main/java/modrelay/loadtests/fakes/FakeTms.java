package modrelay.loadtests.fakes;

import akka.actor.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ParserSettings;
import akka.http.javadsl.settings.ServerSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import scala.concurrent.duration.FiniteDuration;

/**
 * A fake Tencent Cloud Text Moderation (TMS) endpoint: a real HTTP server on 127.0.0.1 that checks
 * TC3-HMAC-SHA256 signatures exactly as the service does, so the real Tencent SDK runs end to end
 * against it (endpoint {@link #endpoint()}, protocol {@code http://}).
 *
 * <p>Texts holding a configured block word are Blocked (label {@value #BLOCK_LABEL}), review words
 * get Review ({@value #REVIEW_LABEL}), everything else Passes. Tests change latency and failure
 * while it runs and read back how many calls came and which texts (decoded) they carried.
 * Latency runs on a timer, never on a blocked thread, so hundreds of calls per second are cheap.
 */
public final class FakeTms implements AutoCloseable {
    /** Fake credentials the fake accepts by default; fine to print, they open nothing. */
    public static final String SECRET_ID = "AKIDfakeTmsSecretId0000000000000000";
    public static final String SECRET_KEY = "fakeTmsSecretKey00000000000000000";
    public static final String ACTION = "TextModeration";
    public static final String VERSION = "2020-12-29";
    public static final int MAX_CONTENT_CHARS = 10_000;

    public static final List<String> DEFAULT_BLOCK_WORDS = List.of("forbidden", "违禁");
    public static final List<String> DEFAULT_REVIEW_WORDS = List.of("sensitive", "敏感");
    public static final String BLOCK_LABEL = "Illegal";
    public static final String BLOCK_SUB_LABEL = "Contraband";
    public static final int BLOCK_SCORE = 95;
    public static final String REVIEW_LABEL = "Polity";
    public static final String REVIEW_SUB_LABEL = "PolityDiscussion";
    public static final int REVIEW_SCORE = 60;

    /** How the fake misbehaves, after checking the signature. */
    public enum FailureMode {
        /** Answers normally. */
        NONE,
        /** {@code InternalError.ErrTextTimeOut} in a 200 body. */
        ERROR,
        /** {@code RequestLimitExceeded} in a 200 body. */
        RATE_LIMITED,
        /** 200 with JSON that has no "Response". */
        MALFORMED,
        /** HTTP 500 with a text body. */
        HTTP_500,
        /** Never answers; the client has to give up. */
        HANG
    }

    /**
     * @param port           0 for any free port
     * @param latency        each answer waits this long
     * @param maxTexts       how many calls {@link #texts()} and {@link #received()} keep (newest); 0 keeps none
     * @param callsPerSecond the account's rate limit: beyond this many calls in one second the fake
     *                       answers {@code RequestLimitExceeded}, as the service does; 0 for none
     */
    public record Options(int port, String secretId, String secretKey, Duration latency,
                          List<String> blockWords, List<String> reviewWords, int maxTexts, int callsPerSecond) {
        public Options {
            blockWords = List.copyOf(blockWords);
            reviewWords = List.copyOf(reviewWords);
            if (latency.isNegative()) throw new IllegalArgumentException("latency < 0");
            if (callsPerSecond < 0) throw new IllegalArgumentException("callsPerSecond < 0");
        }

        public Options(int port, String secretId, String secretKey, Duration latency,
                       List<String> blockWords, List<String> reviewWords, int maxTexts) {
            this(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, 0);
        }

        public static Options defaults() {
            return new Options(0, SECRET_ID, SECRET_KEY, Duration.ZERO, DEFAULT_BLOCK_WORDS, DEFAULT_REVIEW_WORDS, 100_000, 0);
        }

        public Options withRateLimit(int callsPerSecond) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withPort(int port) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withCredentials(String secretId, String secretKey) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withLatency(Duration latency) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withBlockWords(List<String> blockWords) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withReviewWords(List<String> reviewWords) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        public Options withMaxTexts(int maxTexts) {
            return new Options(port, secretId, secretKey, latency, blockWords, reviewWords, maxTexts, callsPerSecond);
        }

        /** Never the secret key. */
        @Override
        public String toString() {
            return "FakeTms.Options(port " + port + ", latency " + latency.toMillis() + " ms, "
                    + (callsPerSecond == 0 ? "no rate limit" : callsPerSecond + " calls/s") + ", block " + blockWords
                    + ", review " + reviewWords + ")";
        }
    }

    /** One well-signed TextModeration call as the fake decoded it ("" for parameters not sent). */
    public record Received(String text, String bizType, String dataId, String userId) {}

    private static final Config SERVER_CONFIG = ConfigFactory.parseMap(Map.of(
            // HANG must hang until the client gives up, not until Akka answers 503 on its own.
            "akka.http.server.request-timeout", "infinite",
            // a loaded benchmark box took more than the default 5 s to start the logger, and the fake exited
            "akka.logger-startup-timeout", "30s",
            "akka.http.server.idle-timeout", "120s",
            "akka.http.server.backlog", "4096",
            "akka.http.server.server-header", "",
            // Akka tries to model Authorization as Basic/Bearer, fails on TC3 and keeps it raw (as
            // wanted) but warns on every request.
            "akka.http.server.parsing.illegal-header-warnings", "off"));

    private final ActorSystem system;
    private final ServerBinding binding;
    private final FakeTmsState state;

    private FakeTms(ActorSystem system, ServerBinding binding, FakeTmsState state) {
        this.system = system;
        this.binding = binding;
        this.state = state;
    }

    public static FakeTms start(Options options) {
        ActorSystem system = ActorSystem.create("fake-tms", SERVER_CONFIG.withFallback(ConfigFactory.load()));
        try {
            FakeTmsState state = new FakeTmsState(options.latency(), options.maxTexts(), options.callsPerSecond());
            FakeTmsHandler handler = new FakeTmsHandler(options, state);
            ServerBinding binding = Http.get(system)
                    .newServerAt("127.0.0.1", options.port())
                    .withSettings(serverSettings(system))
                    .bind(new Routes(handler, state).route())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return new FakeTms(system, binding, state);
        } catch (Exception bindFailed) {
            system.terminate();
            throw new IllegalStateException("fake TMS could not bind port " + options.port(), bindFailed);
        }
    }

    /**
     * Akka models {@code application/json} with a fixed charset and would drop the
     * {@code charset=utf-8} that the SDK signs; declared with an open charset, the content type
     * renders back the way it was sent and the signature can be checked.
     */
    private static ServerSettings serverSettings(ActorSystem system) {
        ParserSettings parser = ParserSettings.forServer(system)
                .withCustomMediaTypes(MediaTypes.customWithOpenCharset("application", "json", Map.of(), true));
        return ServerSettings.create(system).withParserSettings(parser);
    }

    /**
     * TMS takes every action as a POST to "/". A GET of "/" (the relay's warm-up opening its connection)
     * is counted apart, never as a call, and answered 404 like anything else. {@code GET /stats} tells
     * a benchmark in another process the counts ({@code calls=… rate_limited=… root_gets=…}).
     */
    private static final class Routes extends AllDirectives {
        private static final FiniteDuration STRICT_ENTITY_TIMEOUT = FiniteDuration.create(10, TimeUnit.SECONDS);
        private final FakeTmsHandler handler;
        private final FakeTmsState state;

        Routes(FakeTmsHandler handler, FakeTmsState state) {
            this.handler = handler;
            this.state = state;
        }

        Route route() {
            return concat(
                    // a body that came with its headers is already strict: read as is (toStrict would add a
                    // materialization and its timer to every call the benchmark times)
                    // the arrival is taken before the body is read, so the latency includes reading a body that
                    // came after its headers
                    pathSingleSlash(() -> post(() -> extractRequest(request -> {
                        long arrived = System.nanoTime();
                        return request.entity() instanceof HttpEntity.Strict strict
                                ? completeWithFuture(handler.handle(request, strict, arrived))
                                : extractStrictEntity(STRICT_ENTITY_TIMEOUT, entity ->
                                        completeWithFuture(handler.handle(request, entity, arrived)));
                    }))),
                    pathSingleSlash(() -> get(() -> {
                        state.countRootGet();
                        return notFound();
                    })),
                    // For benchmarks in another process: what the fake counted so far.
                    path("stats", () -> get(() -> complete("calls=" + state.calls() + " rate_limited=" + state.rateLimited()
                            + " root_gets=" + state.rootGets().get() + "\n"))),
                    notFound());
        }

        private Route notFound() {
            return complete(StatusCodes.NOT_FOUND, "fake TMS: POST / only");
        }
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    /** {@code 127.0.0.1:<port>}: the SDK endpoint, with protocol {@code http://}. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    /** Calls ({@code POST /}) received so far, rejected ones included; {@link #rootGets()} are not calls. */
    public int calls() {
        return state.calls();
    }

    /** {@code GET /} requests so far: no action, nothing billed (a client opening its connection early). */
    public int rootGets() {
        return state.rootGets().get();
    }

    /** Completes once at least {@code n} {@code GET /} requests have arrived. */
    public java.util.concurrent.CompletionStage<Void> whenRootGets(int n) {
        return state.rootGets().whenAtLeast(n);
    }

    /** The decoded {@code Content} of every well-signed call, oldest first. */
    public List<String> texts() {
        return state.received().stream().map(Received::text).toList();
    }

    /** Every well-signed call with its parameters, oldest first. */
    public List<Received> received() {
        return state.received();
    }

    public void setLatency(Duration latency) {
        state.setLatency(latency);
    }

    public void setFailure(FailureMode failure) {
        state.setFailure(failure);
    }

    /** The next {@code calls} well-signed calls answer with {@code failure}; then the fake answers as before. */
    public void failNext(FailureMode failure, int calls) {
        state.failNext(failure, calls);
    }

    /** Changes the rate limit (calls per wall-clock second; 0 for none). */
    public void setRateLimit(int callsPerSecond) {
        state.setCallsPerSecond(callsPerSecond);
    }

    /** Calls answered {@code RequestLimitExceeded} because they were beyond the rate limit. */
    public int rateLimited() {
        return state.rateLimited();
    }

    @Override
    public void close() {
        binding.unbind();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Terminating is best effort in tests; a stuck shutdown must not fail the test that ran.
        }
    }

    /**
     * {@code java ... FakeTms [port] [latencyMs] [callsPerSecond]}: runs until the JVM is stopped (Ctrl-C,
     * SIGTERM); Akka's own shutdown hook then terminates the server.
     */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long latencyMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int callsPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        FakeTms tms = start(Options.defaults().withPort(port).withLatency(Duration.ofMillis(latencyMs))
                .withRateLimit(callsPerSecond));
        System.out.println("fake TMS listening on " + tms.endpoint() + ", latency " + latencyMs + " ms, "
                + (callsPerSecond == 0 ? "no rate limit" : "limited to " + callsPerSecond + " calls/s")
                + "; point the relay at it:");
        System.out.println("  TENCENT_CLOUD_ENDPOINT=http://" + tms.endpoint());
        System.out.println("  TENCENT_CLOUD_SID=" + SECRET_ID);
        System.out.println("  TENCENT_CLOUD_SKEY=" + SECRET_KEY);
        System.out.println("  block words " + DEFAULT_BLOCK_WORDS + ", review words " + DEFAULT_REVIEW_WORDS);
        tms.system.getWhenTerminated().toCompletableFuture().join();
    }
}
