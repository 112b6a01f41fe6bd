package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.PathJunk;
import org.junit.jupiter.api.Test;

class EndpointRulesTest {
    static boolean allows(EndpointRules r, String method, String path) {
        return r.allows(Endpoints.classify(method, path));
    }

    @Test
    void theDefaultsAreRequestsAndAnswersNothingStoredForOthers() {
        EndpointRules d = EndpointRules.DEFAULT;
        assertEquals(List.of("chat", "completions", "responses", "embeddings", "models", "audio"), d.granted());
        for (String[] ok : List.of(new String[] {"POST", "/v1/chat/completions"}, new String[] {"POST", "/v1/completions"},
                new String[] {"POST", "/v1/responses"}, new String[] {"GET", "/v1/responses/resp_1"},
                new String[] {"POST", "/v1/embeddings"}, new String[] {"GET", "/v1/models"},
                new String[] {"POST", "/v1/audio/transcriptions"}, new String[] {"POST", "/openai/deployments/d/chat/completions"})) {
            assertTrue(allows(d, ok[0], ok[1]), ok[1]);
        }
        for (String[] no : List.of(new String[] {"GET", "/v1/files"}, new String[] {"GET", "/v1/files/f/content"},
                new String[] {"DELETE", "/v1/files/f"}, new String[] {"POST", "/v1/uploads"},
                new String[] {"POST", "/v1/batches"}, new String[] {"GET", "/v1/chat/completions"},
                new String[] {"GET", "/v1/chat/completions/c1"}, new String[] {"DELETE", "/v1/chat/completions/c1"},
                new String[] {"POST", "/v1/fine_tuning/jobs"}, new String[] {"DELETE", "/v1/models/ft:gpt-4o:acme::1"},
                new String[] {"POST", "/v1/assistants"}, new String[] {"POST", "/v1/threads/runs"},
                new String[] {"GET", "/v1/vector_stores"}, new String[] {"POST", "/v1/realtime/sessions"},
                new String[] {"POST", "/v1/images/generations"}, new String[] {"POST", "/v1/moderations"},
                new String[] {"POST", "/v1/videos"}, new String[] {"PUT", "/v1/chat/completions"})) {
            assertFalse(allows(d, no[0], no[1]), no[0] + " " + no[1]);
        }
    }

    /** No junk in the path of an endpoint a default key lacks makes it one the key has. */
    @Test
    void junkNeverReachesAnEndpointTheKeyLacks() {
        int checked = 0;
        for (Endpoint e : Endpoints.all()) {
            if (EndpointRules.DEFAULT.allows(e) || e.method().equals("*")) continue;
            for (var j : PathJunk.ALL) {
                String path = j.apply(PathJunk.concrete(e));
                assertFalse(allows(EndpointRules.DEFAULT, e.method(), path), e.name() + " as " + path + " -> "
                        + Endpoints.classify(e.method(), path).name());
                checked++;
            }
        }
        assertTrue(checked > 1000, "checked " + checked);
    }

    @Test
    void groupsEndpointNamesAndEverything() {
        EndpointRules r = EndpointRules.parse(List.of("chat", "files.create", "files.retrieve"));
        assertTrue(allows(r, "POST", "/v1/files"));
        assertTrue(allows(r, "GET", "/v1/files/file-1"));
        assertFalse(allows(r, "GET", "/v1/files"), "listing every tenant's files was not granted");
        assertFalse(allows(r, "GET", "/v1/files/file-1/content"));
        assertFalse(allows(r, "POST", "/v1/embeddings"), "a list replaces the defaults");
        EndpointRules all = EndpointRules.parse(List.of("*"));
        for (Endpoint e : Endpoints.all()) assertTrue(all.allows(e), e.name());
        assertTrue(all.allows(Endpoints.UNKNOWN));
        assertTrue(EndpointRules.parse(List.of("other")).allows(Endpoints.UNKNOWN));
    }

    @Test
    void namesAreValidatedAndDeduplicated() {
        assertEquals(List.of("files", "chat"), EndpointRules.parse(List.of("files", "chat", "files")).granted());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EndpointRules.parse(List.of("chat", "fine-tuning")));
        assertTrue(bad.getMessage().contains("\"fine-tuning\""), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EndpointRules.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> EndpointRules.parse(List.of("Chat")), "names are exact");
    }

    @Test
    void aStoredNameThisVersionDoesNotKnowGrantsNothing() {
        EndpointRules fromNewer = new EndpointRules(List.of("chat", "videos"));
        assertTrue(allows(fromNewer, "POST", "/v1/chat/completions"));
        assertFalse(allows(fromNewer, "POST", "/v1/videos"));
    }
}
