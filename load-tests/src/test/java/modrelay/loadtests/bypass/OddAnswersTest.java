package modrelay.loadtests.bypass;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import modrelay.loadtests.fakes.LenientUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Odd answers end to end (issue 11, item 1): what a client sees, after its own decoding, when the upstream
 * compresses without being asked, labels its answer wrongly or not at all, ends lines with CRLF or dies
 * mid-stream. A moderated answer is decoded and moderated (gzip, deflate), read (CRLF) or not released at all
 * (anything else), whatever MODERATION_FAIL says; an unmoderated one passes as it came.
 */
class OddAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A word nobody blocks: what a clean answer says instead of the blocked term. */
    private static final String CLEAN = "sunshine";
    private static final String BLOCK_NOTICE = "这个话题不适合讨论，换个话题吧。";

    @RegisterExtension
    static final RelayFixture relays = RelayFixture.scope();
    /** moderation off by default, asked for per request with "moderation": true */
    private static RunningRelay relay;
    private static RunningRelay failOpenRelay;

    @BeforeAll
    static void start() {
        String upstream = relays.own(LenientUpstream.start(CLEAN)).baseUrl();
        relay = relays.start(Battery.relayInFrontOf(upstream).env("MODERATION_MIN", "off"));
        failOpenRelay = relays.start(Battery.relayInFrontOf(upstream).env("MODERATION_FAIL", "open"));
    }

    private static RawHttp.Answer chat(RunningRelay to, boolean moderated, boolean stream, String odd, String phrase) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + (moderated ? ",\"moderation\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return RawHttp.send(to.port(), "POST", "/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json", "x-odd-answer", odd, "x-leak-phrase", phrase);
    }

    private static RawHttp.Answer responses(RunningRelay to, String odd, String phrase) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"moderation\":true,\"input\":\"hi\"}";
        return RawHttp.send(to.port(), "POST", "/v1/responses", body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json", "x-odd-answer", odd, "x-leak-phrase", phrase);
    }

    private static String expectedText(String phrase) {
        return "Here is what you asked for. The word is " + phrase + ". That is all.";
    }

    // --- compressed without being asked: decoded, moderated, sent decoded ------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void aCompressedCleanStreamIsDecodedModeratedAndSentDecoded(String encoding) throws Exception {
        RawHttp.Answer a = chat(relay, true, true, encoding, CLEAN);
        assertEquals(200, a.status(), a.toString());
        assertNull(a.header("content-encoding"), "the relay decoded it; the client must not decode it again: " + a);
        SeenStream s = SeenStream.of(a);
        assertEquals(expectedText(CLEAN), s.text());
        assertEquals(java.util.List.of("stop"), s.finishReasons());
        assertTrue(s.done());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void aCompressedBlockedStreamIsCut(String encoding) throws Exception {
        RawHttp.Answer a = chat(relay, true, true, encoding, Battery.TERM);
        SeenStream s = SeenStream.of(a);
        assertFalse(ClientView.of(a).leaks(Battery.TERM), a.toString());
        assertTrue(s.text().endsWith(BLOCK_NOTICE), s.text());
        assertEquals("content_filter", s.finishReasons().get(s.finishReasons().size() - 1));
        assertTrue(s.done());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void aCompressedWholeAnswerIsDecodedAndModerated(String encoding) throws Exception {
        RawHttp.Answer clean = chat(relay, true, false, encoding, CLEAN);
        assertEquals(200, clean.status(), clean.toString());
        assertNull(clean.header("content-encoding"), clean.toString());
        assertEquals(expectedText(CLEAN), JSON.readTree(clean.body()).at("/choices/0/message/content").asText());

        RawHttp.Answer blocked = chat(relay, true, false, encoding, Battery.TERM);
        assertEquals(200, blocked.status(), blocked.toString());
        assertNull(blocked.header("content-encoding"), blocked.toString());
        JsonNode choice = JSON.readTree(blocked.body()).at("/choices/0");
        assertEquals(BLOCK_NOTICE, choice.at("/message/content").asText());
        assertEquals("content_filter", choice.path("finish_reason").asText());
        assertFalse(ClientView.of(blocked).leaks(Battery.TERM));
    }

    // --- what the relay cannot read is not released, even when clean ---------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"br", "x-zzz", "text-plain", "no-type", "octet-stream", "huge-event"})
    void anUnreadableStreamEndsWithTheUnavailableNotice(String odd) throws Exception {
        for (RunningRelay r : new RunningRelay[] {relay, failOpenRelay}) {
            RawHttp.Answer a = chat(r, true, true, odd, CLEAN);
            assertUnavailableStream(a, odd);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "x-zzz", "text-plain", "no-type", "octet-stream", "label-json"})
    void anUnreadableWholeAnswerIsA502(String odd) throws Exception {
        // label-json: a stream labelled JSON is read as a whole answer, and it is no JSON object
        boolean stream = odd.equals("label-json");
        for (RunningRelay r : new RunningRelay[] {relay, failOpenRelay}) {
            RawHttp.Answer a = chat(r, true, stream, odd, CLEAN);
            assertEquals(502, a.status(), odd + ": " + a);
            assertEquals("application/json", a.header("content-type"), a.toString());
            JsonNode error = JSON.readTree(a.body()).get("error");
            assertEquals("moderation_unreadable_answer", error.path("code").asText(), a.toString());
            assertEquals("server_error", error.path("type").asText());
            assertFalse(a.bodyText().contains(CLEAN), "no upstream text in the error: " + a);
        }
    }

    @Test
    void anUnreadableResponsesStreamEndsAsAnOutageWould() throws Exception {
        RawHttp.Answer a = responses(relay, "x-zzz", CLEAN);
        assertEquals(200, a.status(), a.toString());
        SeenStream s = SeenStream.of(a);
        assertEquals(Battery.UNAVAILABLE, s.text());
        assertEquals("response.incomplete", s.lastType());
        assertFalse(a.bodyText().contains(CLEAN), a.toString());
    }

    private static void assertUnavailableStream(RawHttp.Answer a, String odd) throws Exception {
        assertEquals(200, a.status(), odd + ": " + a);
        assertEquals("text/event-stream", a.header("content-type"), a.toString());
        assertNull(a.header("content-encoding"), a.toString());
        SeenStream s = SeenStream.of(a);
        assertEquals(Battery.UNAVAILABLE, s.text(), odd + ": nothing of the upstream's text, only the notice: " + a);
        assertEquals(java.util.List.of("content_filter"), s.finishReasons());
        assertTrue(s.done(), a.toString());
    }

    // --- unmoderated exchanges pass as they came -------------------------------------------------------------

    @Test
    void anUnmoderatedCompressedAnswerPassesAsItCame() throws Exception {
        RawHttp.Answer stream = chat(relay, false, true, "gzip", CLEAN);
        assertEquals("gzip", stream.header("content-encoding"), "passed through, still compressed: " + stream);
        assertEquals(expectedText(CLEAN), SeenStream.of(stream).text());

        RawHttp.Answer whole = chat(relay, false, false, "x-zzz", CLEAN);
        assertEquals(200, whole.status());
        assertEquals("x-zzz", whole.header("content-encoding"), whole.toString());
        RawHttp.Answer plain = chat(relay, false, true, "text-plain", CLEAN);
        assertEquals(200, plain.status());
        assertTrue(plain.header("content-type").startsWith("text/plain"), plain.toString());
        assertEquals(expectedText(CLEAN), SeenStream.of(plain).text());
    }

    // --- CRLF is legal SSE: read and moderated, not refused --------------------------------------------------

    @Test
    void aCrlfStreamIsReadAndModerated() throws Exception {
        SeenStream clean = SeenStream.of(chat(relay, true, true, "crlf", CLEAN));
        assertEquals(expectedText(CLEAN), clean.text());
        assertEquals(java.util.List.of("stop"), clean.finishReasons());
        assertTrue(clean.done());

        RawHttp.Answer blocked = chat(relay, true, true, "crlf", Battery.TERM);
        SeenStream cut = SeenStream.of(blocked);
        assertFalse(ClientView.of(blocked).leaks(Battery.TERM), blocked.toString());
        assertTrue(cut.text().startsWith("Here is what you asked for."), "the clean sentence before it is released: " + cut.text());
        assertTrue(cut.text().endsWith(BLOCK_NOTICE), cut.text());
        assertTrue(cut.finishReasons().contains("content_filter"));

        RawHttp.Answer responses = responses(relay, "crlf", CLEAN);
        SeenStream r = SeenStream.of(responses);
        assertEquals(expectedText(CLEAN), r.text());
        assertEquals("response.completed", r.lastType());
    }

    // --- a connection that dies mid-stream --------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStreamWhoseUpstreamDiesEndsWithTheSseErrorEvent(boolean moderated) throws Exception {
        RawHttp.Answer a = chat(relay, moderated, true, "die", CLEAN);
        assertEquals(200, a.status(), a.toString());
        assertTrue(a.complete(), "the client's stream ends properly, not with a reset: " + a);
        SeenStream s = SeenStream.of(a);
        assertNotNull(s.error(), "an error event the SDKs raise: " + a);
        assertEquals("upstream_stream_error", s.error().path("code").asText(), a.toString());
        assertFalse(s.done(), "not a normal end");
        assertFalse(s.finishReasons().contains("stop"));
    }

    @Test
    void aResponsesStreamWhoseUpstreamDiesEndsWithItsErrorEvent() throws Exception {
        RawHttp.Answer a = responses(relay, "die", CLEAN);
        assertTrue(a.complete(), a.toString());
        SeenStream s = SeenStream.of(a);
        assertEquals("error", s.lastType(), a.toString());
        assertEquals("upstream_stream_error", s.error().path("code").asText());
    }
}
