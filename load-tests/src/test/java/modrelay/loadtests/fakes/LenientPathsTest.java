package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LenientPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/chat/completions", "/V1/Chat/Completions", "/v1/chat/%63ompletions", "/v1/chat%2Fcompletions",
            "/v1%2fchat%2fcompletions", "/v1/chat/%2563ompletions", "//v1//chat///completions", "/v1/chat/completions;x=1",
            "/v1;a=b/chat;c/completions", "/v1/chat/completions/", "/v1/chat/completions.", "/v1/chat/completions%20",
            "/v1/chat/completions%09", "/v1/chat/completions~", "/v1/chat/completions.json", "/v1/chat/completions%00",
            "/v1/x/../chat/completions", "/v1/chat/./completions", "/v1/chat/completions/x/..", "/v1/%2e%2e/v1/chat/completions",
            "/v1\\chat\\completions", "/chat/completions", "/openai/deployments/d/Chat/Completions", "/openai/v1/chat/completions",
            "/v1/engines/gpt/chat/completions", "/v1/chat/completions?stream=true", "/v1/chat/completions%E2%80%8B",
            "http://127.0.0.1:8080/v1/Chat/Completions"})
    void everySpellingIsTheChatPath(String raw) {
        assertEquals("/v1/chat/completions", LenientPaths.canonical(raw), raw);
    }

    @Test
    void idsAndQueriesSurvive() {
        assertEquals("/v1/responses/resp_42", LenientPaths.canonical("/v1/Responses/resp_42?stream=true"));
        assertEquals("/v1/completions", LenientPaths.canonical("/v1/engines/davinci/completions"));
        assertEquals("stream=1&x=2", LenientPaths.query("/v1/responses/r?stream=1&x=2"));
        assertTrue(LenientPaths.queryAsksStream("starting_after=3&Stream=TRUE"));
        assertTrue(LenientPaths.queryAsksStream("stream=1"));
        assertFalse(LenientPaths.queryAsksStream("stream=false&x=true"));
    }
}
