package modrelay.relay.routing;

import static modrelay.relay.routing.RetryPolicy.Decision.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Optional;
import modrelay.relay.routing.RetryPolicy.Attempt;
import modrelay.relay.routing.RetryPolicy.Decision;
import modrelay.relay.routing.RetryPolicy.FailureKind;
import modrelay.relay.routing.RetryPolicy.Outcome;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final KeyVerdict NONE = new KeyVerdict.NotTheKey("not judged");
    private static final KeyVerdict INVALID = new KeyVerdict.Invalid("invalid_api_key");
    private static final KeyVerdict LIMITED = new KeyVerdict.Limited(Optional.of(Duration.ofSeconds(20)), "rate_limit_exceeded");
    private static final KeyVerdict SCOPE = new KeyVerdict.NotTheKey("missing scope or permission");
    private static final KeyVerdict UNVERIFIED = new KeyVerdict.Unverified("401 without a code");

    /** First attempt of three, time left, body held, server key, another key and another upstream left. */
    private static Attempt open() {
        return new Attempt(1, 3, Duration.ofSeconds(30), true, true, true, true, false);
    }

    private static Attempt with(boolean serverKey, boolean otherKeys, boolean otherCandidates) {
        return new Attempt(1, 3, Duration.ofSeconds(30), true, serverKey, otherKeys, otherCandidates, false);
    }

    private static Decision answered(int status, KeyVerdict verdict, Attempt a) {
        return RetryPolicy.decide(new Outcome.Answered(status, verdict), a);
    }

    private static Decision failed(FailureKind kind, Attempt a) {
        return RetryPolicy.decide(new Outcome.Failed(kind), a);
    }

    @Test
    void successesAndTheClientsOwnErrorsAreDelivered() {
        for (int status : new int[] {200, 201, 204, 304, 400, 403, 404, 409, 413, 422}) {
            assertEquals(DELIVER, answered(status, NONE, open()), "status " + status);
        }
        assertEquals(DELIVER, answered(401, SCOPE, open()), "a missing scope is the client's answer");
        assertEquals(DELIVER, answered(429, new KeyVerdict.NotTheKey("request larger than the limit"), open()),
                "a request-specific 429 is not retried on other keys");
        assertEquals(DELIVER, answered(401, UNVERIFIED, open()), "a 401 without a code is relayed, no key taken out");
    }

    @Test
    void aKeysOwnProblemMovesToAnotherKeyFirstThenTheNextUpstream() {
        for (KeyVerdict v : new KeyVerdict[] {INVALID, LIMITED}) {
            int status = v == INVALID ? 401 : 429;
            assertEquals(OTHER_KEY, answered(status, v, open()), v.toString());
            assertEquals(NEXT_UPSTREAM, answered(status, v, with(true, false, true)), "no other key: " + v);
            assertEquals(DELIVER, answered(status, v, with(true, false, false)), "nowhere else: " + v);
        }
    }

    @Test
    void aClientKeysRateLimitMayBeServedByAnotherUpstream() {
        assertEquals(NEXT_UPSTREAM, answered(429, NONE, with(false, false, true)));
        assertEquals(DELIVER, answered(429, NONE, with(false, false, false)));
        assertEquals(DELIVER, answered(401, NONE, with(false, false, true)), "the client's key is the client's business");
    }

    @Test
    void aServerErrorGoesToTheNextUpstreamOrOnTheLastOneToAnotherKey() {
        assertEquals(NEXT_UPSTREAM, answered(500, NONE, open()));
        assertEquals(NEXT_UPSTREAM, answered(503, NONE, with(false, false, true)));
        assertEquals(OTHER_KEY, answered(502, NONE, with(true, true, false)));
        assertEquals(DELIVER, answered(500, NONE, with(true, false, false)));
        assertEquals(DELIVER, answered(500, NONE, with(false, false, false)));
    }

    @Test
    void nothingIsSentAgainWithoutAttemptsTimeOrABodyToReplay() {
        Attempt spent = new Attempt(3, 3, Duration.ofSeconds(30), true, true, true, true, false);
        Attempt late = new Attempt(1, 3, Duration.ZERO, true, true, true, true, false);
        Attempt overdue = new Attempt(1, 3, Duration.ofMillis(-5), true, true, true, true, false);
        Attempt upload = new Attempt(1, 3, Duration.ofSeconds(30), false, true, true, true, false);
        for (Attempt a : new Attempt[] {spent, late, overdue, upload}) {
            assertEquals(DELIVER, answered(500, NONE, a), a.toString());
            assertEquals(DELIVER, answered(429, LIMITED, a), a.toString());
            assertEquals(DELIVER, answered(401, INVALID, a), a.toString());
            for (FailureKind k : FailureKind.values()) assertEquals(FAIL, failed(k, a), k + " " + a);
        }
        assertEquals(OTHER_KEY, answered(500, NONE, new Attempt(2, 3, Duration.ofSeconds(1), true, true, true, false, false)),
                "the second of three attempts may still be sent");
    }

    @Test
    void noAnswerAtAllGoesToTheNextUpstream() {
        for (FailureKind k : new FailureKind[] {FailureKind.CONNECT_FAILED, FailureKind.CLOSED_BEFORE_ANSWER,
                FailureKind.NO_HEADERS_IN_TIME}) {
            assertEquals(NEXT_UPSTREAM, failed(k, open()), k.toString());
            assertEquals(NEXT_UPSTREAM, failed(k, with(false, false, true)), k.toString());
        }
    }

    @Test
    void aClosedConnectionOnTheOnlyUpstreamIsRetriedOnceOnANewConnection() {
        Attempt alone = with(true, true, false);
        assertEquals(FRESH_CONNECTION, failed(FailureKind.CLOSED_BEFORE_ANSWER, alone));
        assertEquals(FRESH_CONNECTION, failed(FailureKind.CLOSED_BEFORE_ANSWER, with(false, false, false)));
        Attempt again = new Attempt(2, 3, Duration.ofSeconds(30), true, true, true, false, true);
        assertEquals(FAIL, failed(FailureKind.CLOSED_BEFORE_ANSWER, again), "once only");
        assertEquals(FAIL, failed(FailureKind.CONNECT_FAILED, alone), "a refused connection is new already");
        assertEquals(FAIL, failed(FailureKind.NO_HEADERS_IN_TIME, alone), "the upstream may be working on it: not sent twice");
    }

    @Test
    void aFailureThatIsNotTheUpstreamsIsNeverRetried() {
        assertEquals(FAIL, failed(FailureKind.NOT_UPSTREAM, open()));
        assertEquals(FAIL, failed(FailureKind.NOT_UPSTREAM, with(false, false, false)));
    }

    @Test
    void theBreakerCountsNoAnswerAndServerErrorsOnly() {
        for (FailureKind k : new FailureKind[] {FailureKind.CONNECT_FAILED, FailureKind.CLOSED_BEFORE_ANSWER,
                FailureKind.NO_HEADERS_IN_TIME}) {
            assertTrue(RetryPolicy.upstreamFault(new Outcome.Failed(k)), k.toString());
        }
        assertFalse(RetryPolicy.upstreamFault(new Outcome.Failed(FailureKind.NOT_UPSTREAM)));
        assertTrue(RetryPolicy.upstreamFault(new Outcome.Answered(500, NONE)));
        assertTrue(RetryPolicy.upstreamFault(new Outcome.Answered(503, NONE)));
        assertFalse(RetryPolicy.upstreamFault(new Outcome.Answered(200, NONE)));
        assertFalse(RetryPolicy.upstreamFault(new Outcome.Answered(429, LIMITED)), "a limited key is not a sick upstream");
        assertFalse(RetryPolicy.upstreamFault(new Outcome.Answered(401, INVALID)));
    }
}
