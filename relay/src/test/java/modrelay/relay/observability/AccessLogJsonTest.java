package modrelay.relay.observability;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.ModerationListener.FrameOutcome;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;
import modrelay.relay.exchange.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * LOG_FORMAT=json: the access and audit lines reach the JSON encoder of logback-json.xml (the real
 * file, loaded as the relay loads it) with every field as a separate JSON value, not only inside the
 * formatted message.
 */
class AccessLogJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Encoder<ILoggingEvent> jsonEncoder;
    private LoggerContext jsonContext;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void attach() throws Exception {
        captured.start();
        ((Logger) LoggerFactory.getLogger("modrelay.access")).addAppender(captured);
        ((Logger) LoggerFactory.getLogger("modrelay.audit")).addAppender(captured);
        jsonContext = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(jsonContext);
        configurator.doConfigure(getClass().getClassLoader().getResource("logback-json.xml"));
        AsyncAppender async = (AsyncAppender) jsonContext.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        jsonEncoder = ((OutputStreamAppender<ILoggingEvent>) async.getAppender("OUT")).getEncoder();
    }

    @AfterEach
    void detach() {
        ((Logger) LoggerFactory.getLogger("modrelay.access")).detachAppender(captured);
        ((Logger) LoggerFactory.getLogger("modrelay.audit")).detachAppender(captured);
        jsonContext.stop();
    }

    private JsonNode encoded(ILoggingEvent event) throws Exception {
        return JSON.readTree(jsonEncoder.encode(event));
    }

    /** logback renders key-value pairs as "kvpList":[{"k":"v"},…]; flattened here. */
    private static Map<String, String> fields(JsonNode line) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode pair : line.path("kvpList")) pair.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    @Test
    void theAccessLineCarriesEachFieldSeparately() throws Exception {
        Exchange ex = new Exchange("req-abc", "key-1", "127.0.0.1", "POST", "/v1/chat/completions?api-key=secret-in-query",
                Optional.empty(), ModerationLevel.HIGH, Optional.of("gpt-4o\nFORGED"), System.nanoTime() - 2_000_000);
        AccessLog.log(ex, 200, 1234, "ok", "key#1(sk-…abcd)", 1_500_000, "cut");

        assertEquals(1, captured.list.size());
        JsonNode line = encoded(captured.list.get(0));
        assertEquals("modrelay.access", line.get("loggerName").asText());
        Map<String, String> f = fields(line);
        assertEquals("200", f.get("status"));
        assertEquals("1.5", f.get("ttfb_ms"));
        assertTrue(Double.parseDouble(f.get("duration_ms")) >= 2.0);
        assertEquals("1234", f.get("bytes"));
        assertEquals("req-abc", f.get("request_id"));
        assertEquals("key-1", f.get("client"));
        assertEquals("key#1(sk-…abcd)", f.get("upstream_key"));
        assertEquals("high", f.get("moderation"));
        assertEquals("cut", f.get("moderation_outcome"));
        assertEquals("/v1/chat/completions", f.get("path"), "the query is never logged");
        assertEquals("gpt-4o_FORGED", f.get("model"), "client text cannot start a new line");
        String message = line.get("formattedMessage").asText();
        assertTrue(message.contains("request_id=req-abc") && message.contains("ttfb_ms=1.5"), message);
        assertFalse(line.toString().contains("secret-in-query"));
    }

    @Test
    void rejectedRequestsHaveNoTimeToFirstByte() throws Exception {
        Exchange ex = new Exchange("req-401", "-", "127.0.0.1", "POST", "/v1/models", Optional.empty(), ModerationLevel.OFF,
                Optional.empty(), System.nanoTime());
        AccessLog.log(ex, 401, 0, "rejected", "-");
        Map<String, String> f = fields(encoded(captured.list.get(0)));
        assertEquals("-", f.get("ttfb_ms"));
        assertEquals("off", f.get("moderation_outcome"));
        assertEquals("req-401", f.get("request_id"));
    }

    @Test
    void auditLinesCarryTheRequestIdAndVerdictAsFields() throws Exception {
        AuditListener audit = new AuditListener("req-cut", "key-2");
        audit.onFrame("some text", new Verdict.Judged(Suggestion.BLOCK, "Illegal", "Contraband", 95, "tencent", "tms-9"),
                FrameOutcome.CUT_BLOCKED);
        audit.onFrame("more", new Verdict.Unavailable("AuthFailure.SignatureFailure", "tencent"), FrameOutcome.CUT_UNAVAILABLE);
        assertEquals(2, captured.list.size());
        Map<String, String> blocked = fields(encoded(captured.list.get(0)));
        assertEquals("req-cut", blocked.get("request_id"));
        assertEquals("BLOCK", blocked.get("suggestion"));
        assertEquals("Illegal", blocked.get("label"));
        assertEquals("95", blocked.get("score"));
        assertEquals("cut_blocked", blocked.get("moderation"));
        Map<String, String> failed = fields(encoded(captured.list.get(1)));
        assertEquals("req-cut", failed.get("request_id"));
        assertEquals("AuthFailure.SignatureFailure", failed.get("reason"));
        assertFalse(encoded(captured.list.get(0)).toString().contains("some text"), "the audit log never holds the text");
    }
}
