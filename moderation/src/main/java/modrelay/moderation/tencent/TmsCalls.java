package modrelay.moderation.tencent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import modrelay.moderation.Verdict;
import modrelay.moderation.capacity.CallScheduler;

/**
 * Sends one TextModeration call and reads its answer, without blocking a thread: signed afresh for
 * every attempt (the timestamp is part of the signature), sent with {@link HttpClient#sendAsync},
 * bounded by the call's deadline. A {@code RequestLimitExceeded} answer slows the scheduler down and
 * the call is retried on its next turn while the deadline allows. The returned future always
 * completes normally; every failure is an {@link Verdict.Unavailable} whose reason holds no secret.
 */
final class TmsCalls {
    private final HttpClient http;
    private final URI uri;
    private final String host;
    private final Tc3Signer signer;
    private final CallScheduler scheduler;
    private final Duration timeout;
    private final SecretScrubber scrubber;
    private final BooleanSupplier closed;

    TmsCalls(HttpClient http, URI uri, Tc3Signer signer, CallScheduler scheduler, Duration timeout, SecretScrubber scrubber,
             BooleanSupplier closed) {
        this.http = http;
        this.uri = uri;
        this.host = hostHeader(uri);
        this.signer = signer;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.scrubber = scrubber;
        this.closed = closed;
    }

    /** The Host header the JDK client writes for this URI: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (uri.getScheme().equals("https") ? port == 443 : port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /** One call with these parameters (JSON), answered within the moderation timeout from now. */
    CompletableFuture<Verdict> call(String paramsJson) {
        return attempt(paramsJson.getBytes(StandardCharsets.UTF_8), System.nanoTime() + timeout.toNanos(), 0);
    }

    /** The request as it goes out: for the warm-up's dry runs too (signing is most of a call's CPU). */
    HttpRequest request(byte[] body, long remainingNanos) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofNanos(Math.max(1_000_000, remainingNanos)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers(TmsRequest.ACTION, TmsRequest.VERSION, host, body, System.currentTimeMillis() / 1000)
                .forEach(builder::header);
        return builder.build();
    }

    private CompletableFuture<Verdict> attempt(byte[] body, long deadline, int retries) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) return CompletableFuture.completedFuture(noAnswer(retries));
        if (closed.getAsBoolean()) return CompletableFuture.completedFuture(unavailable("tencent: moderator closed"));
        HttpRequest request;
        try {
            request = request(body, remaining);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(failure(e, retries));
        }
        CompletableFuture<TmsResponse.Reply> sent;
        try {
            sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .orTimeout(remaining, TimeUnit.NANOSECONDS)
                    .handle((response, error) -> error != null
                            ? new TmsResponse.Reply(failure(error, retries), "")
                            : reply(response));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e, retries));
        }
        return sent.thenCompose(reply -> {
            if (!reply.rateLimited()) return CompletableFuture.completedFuture(reply.verdict());
            scheduler.slowDown();
            long left = deadline - System.nanoTime();
            if (left <= 0) return CompletableFuture.completedFuture(retried(reply.verdict(), retries));
            return scheduler.retryTurn()
                    .orTimeout(left, TimeUnit.NANOSECONDS)
                    .handle((turn, error) -> error == null
                            ? attempt(body, deadline, retries + 1)
                            : CompletableFuture.completedFuture(retried(reply.verdict(), retries)))
                    .thenCompose(next -> next);
        });
    }

    private static TmsResponse.Reply reply(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            // The SDK treats any status but 200 as a failure too; the body of such an answer is not TMS's.
            return new TmsResponse.Reply(unavailable("tencent: HTTP " + response.statusCode() + " from the service"), "");
        }
        return TmsResponse.read(response.body());
    }

    private Verdict retried(Verdict last, int retries) {
        if (!(last instanceof Verdict.Unavailable u)) return last;
        return unavailable(u.reason() + " (retried " + retries + "× within " + timeout.toMillis() + " ms)");
    }

    private Verdict noAnswer(int retries) {
        return unavailable("tencent: no answer within " + timeout.toMillis() + " ms"
                + (retries == 0 ? "" : " (" + retries + " retries after RequestLimitExceeded)"));
    }

    private Verdict failure(Throwable failure, int retries) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof TimeoutException || t instanceof HttpTimeoutException) return noAnswer(retries);
        return unavailable(scrubber.scrub("tencent: call failed (" + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")"));
    }

    private static Verdict unavailable(String reason) {
        return new Verdict.Unavailable(reason, TmsResponse.SOURCE);
    }
}
