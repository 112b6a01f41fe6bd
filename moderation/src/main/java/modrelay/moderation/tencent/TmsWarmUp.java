package modrelay.moderation.tencent;

import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.CommonRequest;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import modrelay.moderation.ModerationContext;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the TMS client once, at start, on a thread of its own, without a billed call. On a cold JVM
 * with 2 CPUs the first burst of TextModeration calls pays for class loading (SDK, gson, OkHttp, JCA),
 * DNS and the TLS handshake all at once and can exceed MODERATION_TIMEOUT, so that the first clean
 * streams are cut as "unavailable" (fail closed). Two steps, in this order:
 * <ol>
 *   <li>{@value #DRY_CALLS} dry TextModeration calls through a {@link CommonClient} whose OkHttp client answers
 *       them itself (an interceptor that never calls the network): request JSON, TC3 signing, the
 *       SDK's reply handling and ours all run, nothing leaves the machine;</li>
 *   <li>a plain {@code GET /} of the endpoint with the moderator's own OkHttp client (same connection
 *       pool): DNS, TCP and TLS happen now and the connection is left in the pool. The reply is
 *       ignored; a GET of the root is no API action, so it is not billed.</li>
 * </ol>
 * It never throws and never blocks its caller; a failure is one log line (no secrets) and the first
 * real calls simply pay the cost themselves, as before.
 */
final class TmsWarmUp {
    private static final Logger log = LoggerFactory.getLogger(TmsWarmUp.class);
    /**
     * The first dry call pays the class loading (~60 ms on a test machine); later ones get faster as the
     * JIT compiles signing and JSON (measured there: 3 ms for the 2nd, 1 ms by the 50th, 0.4 ms by the
     * 200th). 50 takes most of that gain for ~70 ms of one CPU, in the background.
     */
    private static final int DRY_CALLS = 50;
    /** A cold TLS handshake on a busy small machine can take longer than one moderation call may. */
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);
    /** The root's reply is read (so the connection can be reused) up to this much, then dropped. */
    private static final int MAX_REPLY_BYTES = 64 * 1024;
    private static final String DRY_REPLY = "{\"Response\":{\"Suggestion\":\"Pass\",\"Label\":\"Normal\",\"SubLabel\":\"\","
            + "\"Score\":0,\"Keywords\":[],\"DetailResults\":[],\"RequestId\":\"modrelay-warm-up\"}}";

    private TmsWarmUp() {}

    /**
     * @param clientFor builds the SDK client exactly as the moderator does, around the given OkHttp client
     * @param rootUrl   {@code <protocol><endpoint>/}
     * @param closed    true once the moderator is closed: the connection step is then skipped
     * @return completes with true when the endpoint answered the GET (any status), false otherwise; never fails
     */
    static CompletableFuture<Boolean> start(Function<OkHttpClient, CommonClient> clientFor, OkHttpClient http, String rootUrl,
            String bizType, Duration timeout, SecretScrubber scrubber, BooleanSupplier closed) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                done.complete(run(clientFor, patient(http, timeout), rootUrl, bizType, scrubber, closed));
            } catch (RuntimeException | Error e) {
                log.info("Tencent TMS warm-up stopped: {}", scrubber.scrub(e.getClass().getSimpleName()));
            } finally {
                done.complete(false);
            }
        }, "tencent-tms-warm-up");
        thread.setDaemon(true); // never keeps a JVM alive that is shutting down
        thread.start();
        return done;
    }

    private static boolean run(Function<OkHttpClient, CommonClient> clientFor, OkHttpClient http, String rootUrl, String bizType,
            SecretScrubber scrubber, BooleanSupplier closed) {
        long start = System.nanoTime();
        String dryProblem = "";
        try {
            CommonClient dry = clientFor.apply(http.newBuilder().addInterceptor(chain -> dryReply(chain.request())).build());
            String params = TmsRequest.json("warm-up", bizType, ModerationContext.NONE);
            for (int i = 0; i < DRY_CALLS; i++) TmsResponse.parse(dry.commonRequest(new CommonRequest(params), TmsRequest.ACTION));
        } catch (Exception e) {
            dryProblem = "dry call failed (" + describe(e, scrubber) + "); ";
        }
        long signed = System.nanoTime();
        if (closed.getAsBoolean()) return false;
        try (Response response = http.newCall(new Request.Builder().url(rootUrl).get().build()).execute()) {
            drain(response);
            if (dryProblem.isEmpty()) {
                log.debug("Tencent TMS warm-up done: dry calls {} ms, GET / {} ms (HTTP {})", millis(start, signed),
                        millis(signed, System.nanoTime()), response.code());
            } else {
                log.info("Tencent TMS warm-up: {}the connection is open", dryProblem);
            }
            return true;
        } catch (Exception e) {
            // One line, no secrets; the first real calls open the connection themselves, as without a warm-up.
            log.info("Tencent TMS warm-up: {}could not reach {} ({})", dryProblem, rootUrl, describe(e, scrubber));
            return false;
        }
    }

    /** The moderator's client with room for a cold handshake; it shares the moderator's pool, so the connection stays. */
    private static OkHttpClient patient(OkHttpClient http, Duration timeout) {
        long ms = Math.max(timeout.toMillis(), MIN_TIMEOUT.toMillis());
        return http.newBuilder()
                .connectTimeout(ms, TimeUnit.MILLISECONDS)
                .readTimeout(ms, TimeUnit.MILLISECONDS)
                .writeTimeout(ms, TimeUnit.MILLISECONDS)
                .callTimeout(ms, TimeUnit.MILLISECONDS)
                .build();
    }

    private static Response dryReply(Request request) {
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(200)
                .message("OK")
                .body(ResponseBody.create(MediaType.parse("application/json"), DRY_REPLY))
                .build();
    }

    /** Reads a small reply to its end so that OkHttp may keep the connection for the first real call. */
    private static void drain(Response response) throws java.io.IOException {
        ResponseBody body = response.body();
        if (body == null) return;
        try (InputStream in = body.byteStream()) {
            byte[] buffer = new byte[8192];
            int total = 0;
            for (int n; total < MAX_REPLY_BYTES && (n = in.read(buffer)) >= 0; ) total += n;
        }
    }

    private static String describe(Exception e, SecretScrubber scrubber) {
        return scrubber.scrub(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
