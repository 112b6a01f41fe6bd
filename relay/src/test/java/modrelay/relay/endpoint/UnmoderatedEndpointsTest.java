package modrelay.relay.endpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import modrelay.config.ConfigException;
import modrelay.moderation.text.ChatDialect;
import org.junit.jupiter.api.Test;

class UnmoderatedEndpointsTest {
    static Endpoint e(String method, String path) {
        return Endpoints.classify(method, path);
    }

    @Test
    void withNothingListedEveryUnsupportedEndpointIsRefusedAndTheRestDecidedByCoverage() {
        UnmoderatedEndpoints none = UnmoderatedEndpoints.parse(List.of());
        for (Endpoint x : Endpoints.all()) {
            UnmoderatedEndpoints.Decision d = none.decide(x);
            if (x.coverage() instanceof Coverage.Unsupported) assertEquals(new UnmoderatedEndpoints.Decision.Refuse(x), d);
            else if (x.coverage() instanceof Coverage.NoModelText) assertEquals(new UnmoderatedEndpoints.Decision.Pass(false), d);
            else assertInstanceOf(UnmoderatedEndpoints.Decision.Moderate.class, d);
        }
        assertInstanceOf(UnmoderatedEndpoints.Decision.Refuse.class, none.decide(Endpoints.UNKNOWN));
        assertEquals(new UnmoderatedEndpoints.Decision.Moderate(ChatDialect.INSTANCE, Streaming.BODY_FLAG),
                UnmoderatedEndpoints.NONE.decide(e("POST", "/v1/chat/completions")));
    }

    @Test
    void aGroupExemptsItsEndpointsAndAnEndpointNameOnlyItself() {
        UnmoderatedEndpoints u = UnmoderatedEndpoints.parse(List.of("assistants", "files.content"));
        assertEquals(new UnmoderatedEndpoints.Decision.Pass(true), u.decide(e("GET", "/v1/threads/t/messages")));
        assertEquals(new UnmoderatedEndpoints.Decision.Pass(true), u.decide(e("POST", "/v1/threads/runs")));
        assertEquals(new UnmoderatedEndpoints.Decision.Pass(true), u.decide(e("GET", "/v1/files/f/content")));
        assertInstanceOf(UnmoderatedEndpoints.Decision.Refuse.class, u.decide(e("GET", "/v1/containers/c/files/f/content")));
        assertInstanceOf(UnmoderatedEndpoints.Decision.Refuse.class, u.decide(e("GET", "/v1/realtime")));
        assertInstanceOf(UnmoderatedEndpoints.Decision.Refuse.class, u.decide(Endpoints.UNKNOWN));
        // Exempting never switches moderation off where the relay can moderate.
        assertInstanceOf(UnmoderatedEndpoints.Decision.Moderate.class,
                UnmoderatedEndpoints.parse(List.of("stored_completions")).decide(e("GET", "/v1/chat/completions/c")));
    }

    @Test
    void unknownEndpointsAreExemptOnlyByNamingThemOrTheirGroup() {
        assertEquals(new UnmoderatedEndpoints.Decision.Pass(true),
                UnmoderatedEndpoints.parse(List.of("other")).decide(e("POST", "/v1/videos")));
        assertEquals(new UnmoderatedEndpoints.Decision.Pass(true),
                UnmoderatedEndpoints.parse(List.of("unknown")).decide(e("POST", "/v1/videos")));
    }

    @Test
    void namesAreCheckedAtStart() {
        ConfigException typo = assertThrows(ConfigException.class, () -> UnmoderatedEndpoints.parse(List.of("asistants")));
        assertTrue(typo.getMessage().contains("MODERATION_UNMODERATED_ENDPOINTS"), typo.getMessage());
        assertTrue(typo.getMessage().contains("\"asistants\""), typo.getMessage());
        assertTrue(typo.getMessage().contains("assistants"), typo.getMessage());
        for (String needless : List.of("chat", "chat.completions.create", "embeddings", "responses.create", "models")) {
            ConfigException e = assertThrows(ConfigException.class, () -> UnmoderatedEndpoints.parse(List.of(needless)));
            assertTrue(e.getMessage().contains("needs no exemption"), e.getMessage());
        }
        assertEquals(java.util.Set.of("realtime", "images"),
                UnmoderatedEndpoints.parse(List.of(" Realtime ", "images", "")).entries());
    }

    @Test
    void theGroupsOfferedInTheErrorAreExactlyThoseWithSomethingToExempt() {
        assertEquals(List.of("stored_completions", "responses", "conversations", "images", "files", "fine_tuning",
                "assistants", "vector_stores", "realtime", "evals", "containers", "other").stream().sorted().toList(),
                UnmoderatedEndpoints.exemptableGroups().stream().sorted().toList());
    }
}
