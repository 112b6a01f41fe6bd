package modrelay.moderation.tencent;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import modrelay.config.TencentSettings;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.capacity.CallLimits;
import modrelay.moderation.capacity.CallPermit;
import modrelay.moderation.capacity.CallScheduler;
import modrelay.moderation.chain.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tencent Cloud Text Moderation ({@code TextModeration}, API 2020-12-29), signed with the Tencent
 * SDK's TC3 primitives ({@link Tc3Signer}) and sent with the JDK's asynchronous HTTP client
 * ({@link TmsCalls}): no thread waits for an answer.
 *
 * <p>Every call takes its turn from this moderator's {@link CallScheduler} (the account's
 * {@code TENCENT_CLOUD_QPS}, {@code TENCENT_CLOUD_MAX_CONCURRENCY}, {@code MODERATION_MAX_CALLS_PER_REQUEST}):
 * a stream's stage asks for the turn before it hands the frame over and passes the permit in the
 * {@link ModerationContext}; any other caller (a whole answer, input moderation) waits here, at most
 * MODERATION_TIMEOUT. Text over 10,000 characters is sent in slices whose verdicts are combined by
 * {@link Severity}; this is the only place that knows the limit. Every failure becomes
 * {@link Verdict.Unavailable} whose reason names the TMS error code and message but never the secret
 * id or key.
 */
public final class TencentModerator implements Moderator {
    private static final Logger log = LoggerFactory.getLogger(TencentModerator.class);
    private static final String SOURCE = TmsResponse.SOURCE;

    private final Duration timeout;
    private final String bizType;
    private final SecretScrubber scrubber;
    private final ExecutorService executor;
    private final HttpClient http;
    private final URI root;
    private final CallScheduler scheduler;
    private final TmsCalls calls;
    private volatile boolean closed;

    public TencentModerator(TencentSettings settings) {
        this.timeout = settings.timeout();
        this.bizType = settings.bizType() == null ? "" : settings.bizType();
        this.scrubber = new SecretScrubber(settings.secretId().reveal(), settings.secretKey().reveal());
        this.executor = TmsHttpClient.executor();
        this.http = TmsHttpClient.create(timeout, executor);
        this.root = URI.create(settings.protocol() + settings.endpoint() + "/");
        this.scheduler = CallScheduler.create(new CallLimits(settings.callsPerSecond(), settings.maxConcurrency(),
                settings.maxCallsPerRequest(), timeout, TmsRequest.MAX_CONTENT_CHARS));
        this.calls = new TmsCalls(http, root, new Tc3Signer(settings.secretId().reveal(), settings.secretKey().reveal(),
                settings.region()), scheduler, timeout, scrubber, () -> closed);
        // Never the secret id or key, not even redacted.
        log.info("Tencent TMS moderator: {}{} region {} bizType '{}' timeout {} ms, {} calls/s, {} in flight, {} per request",
                settings.protocol(), settings.endpoint(), settings.region(), bizType, timeout.toMillis(),
                settings.callsPerSecond(), settings.maxConcurrency(), settings.maxCallsPerRequest());
    }

    /**
     * Starts warming this client up in the background and returns at once: the first calls of a cold
     * JVM would otherwise pay for class loading, DNS and the TCP/TLS handshake inside MODERATION_TIMEOUT.
     * Nothing billed is sent ({@link TmsWarmUp}). Call it once, at start.
     *
     * @return completes with true once the endpoint answered the warm-up GET, false if it could not be
     *     reached; never completes exceptionally
     */
    public CompletionStage<Boolean> warmUp() {
        return TmsWarmUp.start(calls, http, root, bizType, timeout, scrubber, () -> closed);
    }

    @Override
    public CallScheduler scheduler() {
        return scheduler;
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        if (closed) return unavailable("tencent: moderator closed");
        if (text == null || text.isBlank()) return CompletableFuture.completedFuture(Verdict.Judged.pass(SOURCE));
        ModerationContext ctx = context == null ? ModerationContext.NONE : context;
        List<String> slices = ContentSplitter.split(text, TmsRequest.MAX_CONTENT_CHARS);
        CallPermit given = ctx.permit();
        if (given != null && given.claim()) return callAll(slices, ctx, given.calls()).thenApply(this::scrubbed);
        // No turn taken by a stream stage: wait for one here, as long as a frame may wait.
        CompletableFuture<CallPermit> turn = scheduler.lane().acquire(slices.size());
        return turn.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((permit, error) -> {
                    if (error != null) {
                        return CompletableFuture.<Verdict>completedFuture(new Verdict.Unavailable(
                                "tencent: no call slot within " + timeout.toMillis() + " ms (the account's rate limit)", SOURCE));
                    }
                    return callAll(slices, ctx, permit.calls()).whenComplete((v, e) -> permit.release());
                })
                .thenCompose(verdict -> verdict)
                .thenApply(this::scrubbed);
    }

    /** The slices' calls, the first {@code paid} of them on the permit's turn, the others on turns of their own. */
    private CompletableFuture<Verdict> callAll(List<String> slices, ModerationContext ctx, int paid) {
        if (slices.size() == 1) return calls.call(TmsRequest.json(slices.get(0), bizType, ctx));
        List<CompletableFuture<Verdict>> answers = new ArrayList<>(slices.size());
        for (int i = 0; i < slices.size(); i++) {
            String params = TmsRequest.json(slices.get(i), bizType, ctx);
            answers.add(i < paid ? calls.call(params) : extraTurn().thenCompose(ok -> ok ? calls.call(params)
                    : CompletableFuture.completedFuture(new Verdict.Unavailable(
                            "tencent: no call slot within " + timeout.toMillis() + " ms", SOURCE))));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Verdict combined = answers.get(0).join();
            for (int i = 1; i < answers.size(); i++) combined = Severity.mostSevere(combined, answers.get(i).join());
            return combined;
        });
    }

    private CompletableFuture<Boolean> extraTurn() {
        return scheduler.retryTurn().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((ok, error) -> error == null || !(unwrap(error) instanceof TimeoutException));
    }

    private static Throwable unwrap(Throwable t) {
        return t.getCause() != null && t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
    }

    /** A reason may quote the service or the network; neither is trusted not to echo a credential. */
    private Verdict scrubbed(Verdict verdict) {
        if (verdict instanceof Verdict.Unavailable u) return new Verdict.Unavailable(scrubber.scrub(u.reason()), u.source());
        return verdict;
    }

    private static CompletableFuture<Verdict> unavailable(String reason) {
        return CompletableFuture.completedFuture(new Verdict.Unavailable(reason, SOURCE));
    }

    @Override
    public String name() {
        return SOURCE;
    }

    /** Stops taking calls; calls in flight end by their own timeouts, the client's threads when idle. */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
    }

    @Override
    public String toString() {
        return "TencentModerator(timeout " + timeout.toMillis() + " ms, " + scheduler + ")";
    }
}
