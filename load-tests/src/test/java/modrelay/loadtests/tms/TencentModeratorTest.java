package modrelay.loadtests.tms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modrelay.config.Secret;
import modrelay.config.TencentSettings;
import modrelay.loadtests.fakes.FakeTms;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.moderation.tencent.TencentModerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real Tencent SDK, through {@link TencentModerator}, against the fake TMS on a local port. */
class TencentModeratorTest {
    /** Short, for the tests about giving up; the others get {@link #PATIENT}, so that a busy machine cannot fail them. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PATIENT = Duration.ofSeconds(5);

    private static FakeTms tms;
    private final List<TencentModerator> opened = new ArrayList<>();

    @BeforeAll
    static void start() {
        tms = FakeTms.start(FakeTms.Options.defaults());
    }

    @AfterAll
    static void stop() {
        tms.close();
    }

    @AfterEach
    void reset() {
        opened.forEach(TencentModerator::close);
        tms.setFailure(FakeTms.FailureMode.NONE);
        tms.failNext(FakeTms.FailureMode.NONE, 0);
        tms.setLatency(Duration.ZERO);
        tms.setRateLimit(0);
    }

    private TencentModerator moderator(String secretKey, String bizType, int callsPerSecond, Duration timeout) {
        TencentModerator moderator = new TencentModerator(new TencentSettings(
                Secret.of(FakeTms.SECRET_ID), Secret.of(secretKey), "ap-singapore", tms.endpoint(), "http://",
                bizType, timeout, 64, callsPerSecond, 4));
        opened.add(moderator);
        return moderator;
    }

    private TencentModerator moderator(String secretKey, String bizType) {
        return moderator(secretKey, bizType, 1000, PATIENT);
    }

    private TencentModerator moderator() {
        return moderator(FakeTms.SECRET_KEY, "");
    }

    private static CompletableFuture<Verdict> ask(TencentModerator moderator, String text) {
        return moderator.moderate(text, ModerationContext.NONE).toCompletableFuture();
    }

    private static Verdict verdict(TencentModerator moderator, String text) throws Exception {
        return ask(moderator, text).get(PATIENT.toMillis() * 5, TimeUnit.MILLISECONDS);
    }

    @Test
    void passReviewAndBlockAreMappedWithLabelAndScore() throws Exception {
        TencentModerator moderator = moderator();

        Verdict.Judged pass = assertInstanceOf(Verdict.Judged.class, verdict(moderator, "The weather is fine today."));
        assertEquals(Suggestion.PASS, pass.suggestion());
        assertEquals("Normal", pass.label());
        assertEquals("tencent", pass.source());
        assertEquals(36, pass.requestId().length(), "the TMS RequestId is kept for audits");

        Verdict.Judged review = assertInstanceOf(Verdict.Judged.class, verdict(moderator, "A SENSITIVE matter."));
        assertEquals(new Verdict.Judged(Suggestion.REVIEW, FakeTms.REVIEW_LABEL, FakeTms.REVIEW_SUB_LABEL,
                FakeTms.REVIEW_SCORE, "tencent", review.requestId()), review);

        Verdict.Judged block = assertInstanceOf(Verdict.Judged.class, verdict(moderator, "这是违禁内容"));
        assertEquals(new Verdict.Judged(Suggestion.BLOCK, FakeTms.BLOCK_LABEL, FakeTms.BLOCK_SUB_LABEL,
                FakeTms.BLOCK_SCORE, "tencent", block.requestId()), block);
        assertEquals("tencent", moderator.name());
    }

    @Test
    void theFakeDecodesExactlyTheUtf8TextWithItsContext() throws Exception {
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "chat_policy");
        String text = "你好，世界！Ünïcödé 👋🏽 family 👨‍👩‍👧 𠜎 end";

        Verdict v = moderator.moderate(text, new ModerationContext("req-42", "user-7")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        assertTrue(v.isPass(), v.toString());
        FakeTms.Received received = tms.received().get(tms.received().size() - 1);
        assertEquals(new FakeTms.Received(text, "chat_policy", "req-42", "user-7"), received);
    }

    @Test
    void aWrongSecretKeyIsUnavailableAndTheReasonHoldsNoSecret() throws Exception {
        String wrongKey = "wrongSecretKey-0123456789abcdef";
        Verdict v = verdict(moderator(wrongKey, ""), "hello");

        Verdict.Unavailable u = assertInstanceOf(Verdict.Unavailable.class, v);
        assertTrue(u.reason().contains("AuthFailure.SignatureFailure"), u.reason());
        assertFalse(u.reason().contains(wrongKey), u.reason());
        assertFalse(u.reason().contains(FakeTms.SECRET_ID), u.reason());
        assertEquals("tencent", u.source());
    }

    @ParameterizedTest
    @CsvSource({
            "RATE_LIMITED, RequestLimitExceeded",
            "ERROR, InternalError.ErrTextTimeOut",
            "MALFORMED, malformed reply",
            "HTTP_500, 500"})
    void serviceTroubleIsUnavailable(FakeTms.FailureMode failure, String reasonPart) throws Exception {
        // A limit answer is retried until the deadline: a shorter one keeps the test short.
        TencentModerator moderator = failure == FakeTms.FailureMode.RATE_LIMITED
                ? moderator(FakeTms.SECRET_KEY, "", 1000, Duration.ofSeconds(2))
                : moderator();
        tms.setFailure(failure);

        Verdict.Unavailable u = assertInstanceOf(Verdict.Unavailable.class, verdict(moderator, "forbidden words"));
        assertTrue(u.reason().contains(reasonPart), u.reason());

        tms.setFailure(FakeTms.FailureMode.NONE);
        assertFalse(verdict(moderator, "forbidden words") instanceof Verdict.Unavailable, "recovers");
    }

    @Test
    void aHangingServiceIsUnavailableAfterTheTimeout() throws Exception {
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "", 1000, TIMEOUT);
        tms.setFailure(FakeTms.FailureMode.HANG);

        Verdict v = verdict(moderator, "hello"); // get() gives up after 5 × the timeout

        Verdict.Unavailable u = assertInstanceOf(Verdict.Unavailable.class, v);
        assertTrue(u.reason().contains("no answer within 1000 ms"), u.reason());
    }

    @Test
    void longTextIsSplitIntoCallsOfAtMostTenThousandCharacters() throws Exception {
        TencentModerator moderator = moderator();
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 24_000; i++) text.append("第").append(i).append("段很长的文字，用来测试分段。 Some English words too. 😀 ");
        int before = tms.texts().size();

        assertTrue(verdict(moderator, text.toString()).isPass());

        List<String> sent = new ArrayList<>(tms.texts().subList(before, tms.texts().size()));
        assertEquals(3, sent.size(), "24,000+ characters take three calls");
        sent.forEach(part -> assertTrue(part.length() <= 10_000, "slice of " + part.length()));
        // The slices are moderated in parallel and arrive in any order; every piece of text is unique.
        sent.sort(java.util.Comparator.comparingInt(part -> text.indexOf(part)));
        assertEquals(text.toString(), String.join("", sent), "the slices are the text, nothing lost or repeated");
    }

    @Test
    void aBlockInAnyLaterSliceBlocksTheWholeText() throws Exception {
        TencentModerator moderator = moderator();
        String text = "a".repeat(9_000) + " " + "harmless words ".repeat(700) + " then something forbidden.";

        Verdict.Judged v = assertInstanceOf(Verdict.Judged.class, verdict(moderator, text));
        assertEquals(Suggestion.BLOCK, v.suggestion());
    }

    @Test
    void callsBeyondTheAccountRateWaitTheirTurnInsteadOfBeingRefused() throws Exception {
        // 20 calls/s (a bucket of one), 30 calls at once, 5 s to wait: none is refused, all are judged.
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "", 20, PATIENT);
        int before = tms.calls();

        List<CompletableFuture<Verdict>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) calls.add(ask(moderator, "text " + i));

        assertFalse(calls.get(29).isDone(), "the last call waits for its turn");
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Verdict> call : calls) assertTrue(call.join().isPass(), call.join().toString());
        assertEquals(30, tms.calls() - before, "one call each, none retried");
    }

    @Test
    void callsThatWouldWaitPastTheTimeoutAreUnavailableAndNeverMade() throws Exception {
        // 2 calls/s and 1 s to wait: of 10 calls at once only the first few get a turn in time.
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "", 2, TIMEOUT);
        int before = tms.calls();

        List<CompletableFuture<Verdict>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) calls.add(ask(moderator, "text " + i));
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        long waitedTooLong = calls.stream().map(CompletableFuture::join)
                .filter(v -> v instanceof Verdict.Unavailable u && u.reason().contains("no call slot within 1000 ms")).count();
        long sent = calls.size() - waitedTooLong; // judged, or (on a busy machine) sent and not answered in time
        assertTrue(sent >= 1 && sent <= 4, sent + " got a turn within 1 s at 2 calls/s");
        assertEquals(sent, tms.calls() - before, "a call that gave up waiting is never sent (nor billed)");
    }

    @Test
    void requestLimitExceededIsRetriedWithinTheDeadline() throws Exception {
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "", 1000, Duration.ofSeconds(5));
        int before = tms.calls();
        tms.failNext(FakeTms.FailureMode.RATE_LIMITED, 3);

        Verdict.Judged v = assertInstanceOf(Verdict.Judged.class, verdict(moderator, "Something forbidden here."));

        assertEquals(Suggestion.BLOCK, v.suggestion(), "the retried call's own verdict");
        assertEquals(4, tms.calls() - before, "three limit answers, then the answer");
        assertTrue(moderator.scheduler().stats().slowDowns() >= 1, "the sender slowed down");
    }

    @Test
    void theFakesRateLimitIsRespectedEndToEnd() throws Exception {
        // The account allows 1000 calls/s but the service only 5: the moderator learns it from the answers.
        tms.setRateLimit(5);
        int limitedBefore = tms.rateLimited();
        TencentModerator moderator = moderator(FakeTms.SECRET_KEY, "", 1000, Duration.ofSeconds(10));

        List<CompletableFuture<Verdict>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) calls.add(ask(moderator, "sentence " + i));
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        for (CompletableFuture<Verdict> call : calls) assertTrue(call.join().isPass(), call.join().toString());
        assertTrue(tms.rateLimited() > limitedBefore, "some calls were over the limit and answered RequestLimitExceeded");
    }

    @Test
    void aClosedModeratorAnswersUnavailable() throws Exception {
        TencentModerator moderator = moderator();
        moderator.close();
        Verdict.Unavailable u = assertInstanceOf(Verdict.Unavailable.class, verdict(moderator, "hello"));
        assertTrue(u.reason().contains("closed"), u.reason());
    }
}
