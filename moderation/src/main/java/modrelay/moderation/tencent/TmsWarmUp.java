package modrelay.moderation.tencent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import modrelay.moderation.ModerationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the TMS client once, at start, in the background, without a billed call. On a cold JVM with
 * 2 CPUs the first burst of TextModeration calls pays for class loading (JCA, Jackson, the JDK HTTP
 * client), DNS and the TLS handshake all at once and can exceed MODERATION_TIMEOUT, so that the first
 * clean streams are cut as "unavailable" (fail closed). Two steps, in this order:
 * <ol>
 *   <li>{@value #DRY_CALLS} dry calls on a thread of their own: request JSON, TC3 signing, building the
 *       HTTP request and reading a canned reply all run, nothing is sent;</li>
 *   <li>a plain {@code GET /} of the endpoint with the moderator's own HTTP client: DNS, TCP and TLS
 *       happen now and the connection stays in the client's pool for the first real call. The reply is
 *       ignored; a GET of the root is no API action, so it is not billed.</li>
 * </ol>
 * It never throws and never blocks its caller; a failure is one log line (no secrets) and the first
 * real calls simply pay the cost themselves.
 */
final class TmsWarmUp {
    private static final Logger log = LoggerFactory.getLogger(TmsWarmUp.class);
    /** Enough for the JIT to take most of the signing and JSON cost off the first real calls. */
    private static final int DRY_CALLS = 50;
    /** A cold TLS handshake on a busy small machine can take longer than one moderation call may. */
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);
    private static final String DRY_REPLY = "{\"Response\":{\"Suggestion\":\"Pass\",\"Label\":\"Normal\",\"SubLabel\":\"\","
            + "\"Score\":0,\"Keywords\":[],\"DetailResults\":[],\"RequestId\":\"modrelay-warm-up\"}}";

    private TmsWarmUp() {}

    /**
     * @param root   {@code <protocol><endpoint>/}
     * @param closed true once the moderator is closed: the connection step is then skipped
     * @return completes with true when the endpoint answered the GET (any status), false otherwise; never fails
     */
    static CompletableFuture<Boolean> start(TmsCalls calls, HttpClient http, URI root, String bizType, Duration timeout,
                                            SecretScrubber scrubber, BooleanSupplier closed) {
        CompletableFuture<String> dry = new CompletableFuture<>();
        Thread thread = new Thread(() -> dry.complete(dryCalls(calls, bizType, scrubber)), "tencent-tms-warm-up");
        thread.setDaemon(true); // never keeps a JVM alive that is shutting down
        thread.start();
        long ms = Math.max(timeout.toMillis(), MIN_TIMEOUT.toMillis());
        return dry.thenCompose(dryProblem -> {
            if (closed.getAsBoolean()) return CompletableFuture.completedFuture(false);
            HttpRequest get = HttpRequest.newBuilder(root).GET().timeout(Duration.ofMillis(ms)).build();
            return http.sendAsync(get, HttpResponse.BodyHandlers.discarding())
                    .orTimeout(ms, TimeUnit.MILLISECONDS)
                    .handle((response, error) -> {
                        if (error != null) {
                            // One line, no secrets; the first real calls open the connection themselves.
                            log.info("Tencent TMS warm-up: {}could not reach {} ({})", dryProblem, root, describe(error, scrubber));
                            return false;
                        }
                        if (dryProblem.isEmpty()) log.debug("Tencent TMS warm-up done (GET / answered HTTP {})", response.statusCode());
                        else log.info("Tencent TMS warm-up: {}the connection is open", dryProblem);
                        return true;
                    });
        }).exceptionally(error -> {
            log.info("Tencent TMS warm-up stopped: {}", describe(error, scrubber));
            return false;
        });
    }

    /** "" when every dry call ran, else what went wrong (scrubbed), to be logged with the connection step. */
    private static String dryCalls(TmsCalls calls, String bizType, SecretScrubber scrubber) {
        try {
            for (int i = 0; i < DRY_CALLS; i++) {
                String params = TmsRequest.json("warm-up " + i, bizType, ModerationContext.NONE);
                calls.request(params.getBytes(StandardCharsets.UTF_8), 1_000_000_000L);
                TmsResponse.read(DRY_REPLY);
            }
            return "";
        } catch (Exception | Error e) {
            return "dry call failed (" + describe(e, scrubber) + "); ";
        }
    }

    private static String describe(Throwable error, SecretScrubber scrubber) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return scrubber.scrub(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
}
