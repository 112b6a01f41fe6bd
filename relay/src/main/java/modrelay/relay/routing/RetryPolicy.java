package modrelay.relay.routing;

import java.time.Duration;

/**
 * Whether an attempt's outcome goes to the client or the request is sent again, and where. Pure: every
 * input is given; the attempts runner ({@link Attempts}) applies the decision. All of this happens
 * before any byte reached the client: once a response is delivered, nothing is retried.
 */
public final class RetryPolicy {
    private RetryPolicy() {}

    /** Why an attempt got no response headers. */
    public enum FailureKind {
        /** No connection could be made (refused, unreachable, connect timeout). */
        CONNECT_FAILED,
        /** The upstream accepted the connection (or a pooled one was reused) and closed it before answering. */
        CLOSED_BEFORE_ANSWER,
        /** Connected, but no response headers within the first-byte deadline. */
        NO_HEADERS_IN_TIME,
        /** Not the upstream's fault (the client's body failed, a relay bug): no other upstream would do better. */
        NOT_UPSTREAM
    }

    /** What one attempt came to. */
    public sealed interface Outcome {
        /** Response headers arrived; {@code verdict} is what they say about the server key (NotTheKey without one). */
        record Answered(int status, KeyVerdict verdict) implements Outcome {}

        record Failed(FailureKind kind) implements Outcome {}
    }

    /**
     * Where the request stands after an attempt.
     *
     * @param sent            attempts sent so far, this one included
     * @param maxAttempts     MAX_ATTEMPTS
     * @param remaining       what is left of the request's total deadline
     * @param replayable      whether the body can be sent again (held whole, not a streamed upload)
     * @param serverKey       whether this attempt used one of the upstream's own keys
     * @param otherKeys       whether this upstream has a key not tried yet for this request
     * @param otherCandidates whether another upstream serving the request is left to try
     * @param freshRetried    whether this upstream was already retried on a fresh connection for this request
     */
    public record Attempt(int sent, int maxAttempts, Duration remaining, boolean replayable, boolean serverKey,
            boolean otherKeys, boolean otherCandidates, boolean freshRetried) {

        boolean canRetry() {
            return replayable && sent < maxAttempts && remaining.compareTo(Duration.ZERO) > 0;
        }
    }

    public enum Decision {
        /** The response goes to the client. */
        DELIVER,
        /** The same upstream again, with another of its keys. */
        OTHER_KEY,
        /** The same upstream again, with the same key, over a connection opened for this attempt. */
        FRESH_CONNECTION,
        /** The next upstream in the candidates' order. */
        NEXT_UPSTREAM,
        /** No response to deliver and no attempt left: the client gets the relay's 502/504. */
        FAIL
    }

    public static Decision decide(Outcome outcome, Attempt a) {
        if (outcome instanceof Outcome.Failed f) return afterFailure(f.kind(), a);
        Outcome.Answered answered = (Outcome.Answered) outcome;
        if (answered.status() >= 500) {
            if (!a.canRetry()) return Decision.DELIVER;
            if (a.otherCandidates()) return Decision.NEXT_UPSTREAM;
            // The only upstream left: another key may reach a healthier backend (or account).
            return a.serverKey() && a.otherKeys() ? Decision.OTHER_KEY : Decision.DELIVER;
        }
        if (!aboutTheKey(answered, a)) return Decision.DELIVER;
        if (!a.canRetry()) return Decision.DELIVER;
        if (a.serverKey() && a.otherKeys()) return Decision.OTHER_KEY;
        return a.otherCandidates() ? Decision.NEXT_UPSTREAM : Decision.DELIVER;
    }

    private static Decision afterFailure(FailureKind kind, Attempt a) {
        if (kind == FailureKind.NOT_UPSTREAM || !a.canRetry()) return Decision.FAIL;
        if (a.otherCandidates()) return Decision.NEXT_UPSTREAM;
        // A pooled keep-alive connection the upstream had just closed: nothing reached its application.
        if (kind == FailureKind.CLOSED_BEFORE_ANSWER && !a.freshRetried()) return Decision.FRESH_CONNECTION;
        return Decision.FAIL;
    }

    /**
     * A limit or rejection of the key used, so another key (or upstream) may do better. With a server key only the
     * classifier's evidence counts; a client's own key that hit a 429 may still be served by another upstream's keys.
     */
    private static boolean aboutTheKey(Outcome.Answered answered, Attempt a) {
        if (a.serverKey()) return answered.verdict() instanceof KeyVerdict.Invalid || answered.verdict() instanceof KeyVerdict.Limited;
        return answered.status() == 429;
    }

    /** Whether the outcome counts against the upstream's health (the breaker): no answer at all, or a 5xx. */
    public static boolean upstreamFault(Outcome outcome) {
        if (outcome instanceof Outcome.Failed f) return f.kind() != FailureKind.NOT_UPSTREAM;
        return ((Outcome.Answered) outcome).status() >= 500;
    }
}
