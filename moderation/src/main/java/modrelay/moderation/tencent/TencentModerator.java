package modrelay.moderation.tencent;

import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.CommonRequest;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import modrelay.config.TencentSettings;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.chain.Severity;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tencent Cloud Text Moderation ({@code TextModeration}, API 2020-12-29) through the official SDK's
 * {@link CommonClient}.
 *
 * <p>The SDK blocks and by default never gives up reading, so: connect/read/write and whole-call
 * timeouts come from the settings ({@link TmsHttpClient}), calls run on a bounded pool this moderator owns ({@link TmsCallPool}; a full pool is
 * {@code Unavailable} at once), and every call is bounded again with {@code orTimeout}, which also
 * covers time spent queued. Text over 10,000 characters is sent in slices whose verdicts are
 * combined by {@link Severity}. Every failure becomes {@link Verdict.Unavailable} whose reason names
 * the TMS error code and message but never the secret id or key.
 */
public final class TencentModerator implements Moderator {
    private static final Logger log = LoggerFactory.getLogger(TencentModerator.class);
    private static final String SOURCE = TmsResponse.SOURCE;

    private final TencentSettings settings;
    private final CommonClient client;
    private final OkHttpClient http;
    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final String bizType;
    private final SecretScrubber scrubber;

    public TencentModerator(TencentSettings settings) {
        this.settings = settings;
        this.timeout = settings.timeout();
        this.bizType = settings.bizType() == null ? "" : settings.bizType();
        this.scrubber = new SecretScrubber(settings.secretId().reveal(), settings.secretKey().reveal());
        this.http = TmsHttpClient.create(settings.timeout(), settings.maxConcurrency());
        this.client = client(settings, http);
        this.pool = TmsCallPool.create(settings.maxConcurrency());
        // Never the secret id or key, not even redacted.
        log.info("Tencent TMS moderator: {}{} region {} bizType '{}' timeout {} ms, {} calls at once",
                settings.protocol(), settings.endpoint(), settings.region(), bizType, timeout.toMillis(),
                settings.maxConcurrency());
    }

    /** The SDK client around an OkHttp client (the moderator's own, or the warm-up's that never sends). */
    private static CommonClient client(TencentSettings settings, OkHttpClient http) {
        return new CommonClient("tms", TmsRequest.VERSION,
                new Credential(settings.secretId().reveal(), settings.secretKey().reveal()),
                settings.region(), profile(settings, http));
    }

    /**
     * Starts warming this client up in the background and returns at once: the first calls of a cold
     * JVM would otherwise pay for class loading, DNS and the TLS handshake inside MODERATION_TIMEOUT.
     * Nothing billed is sent ({@link TmsWarmUp}). Call it once, at start.
     *
     * @return completes with true once the endpoint answered the warm-up GET, false if it could not be
     *     reached; never completes exceptionally
     */
    public CompletionStage<Boolean> warmUp() {
        return TmsWarmUp.start(h -> client(settings, h), http, settings.protocol() + settings.endpoint() + "/", bizType,
                timeout, scrubber, pool::isShutdown);
    }

    /**
     * The SDK reads its profile when the client is built. Its own timeouts are whole seconds (rounded
     * up here); the {@link TmsHttpClient} it is given has the exact ones and the pool size.
     */
    private static ClientProfile profile(TencentSettings settings, OkHttpClient http) {
        int seconds = (int) Math.max(1, (settings.timeout().toMillis() + 999) / 1000);
        HttpProfile httpProfile = new HttpProfile();
        httpProfile.setEndpoint(settings.endpoint());
        httpProfile.setProtocol(settings.protocol());
        httpProfile.setReqMethod(HttpProfile.REQ_POST);
        httpProfile.setConnTimeout(seconds);
        httpProfile.setReadTimeout(seconds);
        httpProfile.setWriteTimeout(seconds);
        httpProfile.setHttpClient(http);
        ClientProfile profile = new ClientProfile(ClientProfile.SIGN_TC3_256, httpProfile);
        profile.setDebug(false); // debug logging prints request headers, the Authorization header among them
        return profile;
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        if (text == null || text.isBlank()) return CompletableFuture.completedFuture(Verdict.Judged.pass(SOURCE));
        ModerationContext ctx = context == null ? ModerationContext.NONE : context;
        List<String> slices = ContentSplitter.split(text, TmsRequest.MAX_CONTENT_CHARS);
        if (slices.size() == 1) return call(text, ctx);
        List<CompletableFuture<Verdict>> calls = new ArrayList<>(slices.size());
        for (String slice : slices) calls.add(call(slice, ctx));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Verdict combined = calls.get(0).join();
            for (int i = 1; i < calls.size(); i++) combined = Severity.mostSevere(combined, calls.get(i).join());
            return combined;
        });
    }

    /** One TMS call; the returned future always completes normally, within the timeout. */
    private CompletableFuture<Verdict> call(String slice, ModerationContext context) {
        if (pool.isShutdown()) return unavailable("tencent: moderator closed");
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                if (result.isDone()) return; // timed out while queued: do not make (and pay for) the call
                try {
                    result.complete(callBlocking(slice, context));
                } finally {
                    if (!result.isDone()) result.complete(new Verdict.Unavailable("tencent: call failed", SOURCE));
                }
            });
        } catch (RejectedExecutionException e) {
            return unavailable(pool.isShutdown()
                    ? "tencent: moderator closed"
                    : "tencent: too many calls waiting (" + pool.getMaximumPoolSize() + " in flight, "
                            + TmsCallPool.queueCapacity(pool.getMaximumPoolSize()) + " queued)");
        }
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(this::describeFailure);
    }

    private Verdict callBlocking(String slice, ModerationContext context) {
        try {
            CommonRequest request = new CommonRequest(TmsRequest.json(slice, bizType, context));
            String body = client.commonRequest(request, TmsRequest.ACTION);
            return TmsResponse.parse(body);
        } catch (Exception e) {
            // Includes the NullPointerException the SDK throws on a reply without "Response".
            return describeFailure(e);
        }
    }

    private Verdict describeFailure(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String reason;
        if (t instanceof TimeoutException) {
            reason = "tencent: no answer within " + timeout.toMillis() + " ms";
        } else if (t instanceof TencentCloudSDKException sdk) {
            String code = sdk.getErrorCode() == null || sdk.getErrorCode().isEmpty() ? "error" : sdk.getErrorCode();
            reason = "tencent " + code + ": " + sdk.getMessage() + TmsResponse.requestIdNote(sdk.getRequestId());
        } else if (t instanceof NullPointerException) {
            reason = "tencent: malformed reply (NullPointerException in the SDK; no \"Response\"?)";
        } else {
            reason = "tencent: call failed (" + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
        }
        return new Verdict.Unavailable(scrubber.scrub(reason), SOURCE);
    }

    private static CompletableFuture<Verdict> unavailable(String reason) {
        return CompletableFuture.completedFuture(new Verdict.Unavailable(reason, SOURCE));
    }

    @Override
    public String name() {
        return SOURCE;
    }

    /** Stops taking calls and closes idle connections; calls in flight end by their own timeouts. */
    @Override
    public void close() {
        pool.shutdownNow();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "TencentModerator(timeout " + timeout.toMillis() + " ms)";
    }
}
