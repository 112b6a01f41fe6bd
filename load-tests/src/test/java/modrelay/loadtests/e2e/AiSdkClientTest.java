package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vercel AI SDK ({@code ai} + {@code @ai-sdk/openai}, pinned in load-tests/src/test/node: 6.x and 5.x) as a second client
 * beside openai-java: it parses SSE itself and validates every chunk with a schema, so a synthetic event the
 * relay writes on a cut must carry what a real one carries. Chat and Responses; a clean stream, a cut stream
 * (finish reason {@code content-filter}) and whole answers. The node script runs from JUnit; {@code npm ci} in
 * that folder installs the SDK (.ci/run does).
 */
class AiSdkClientTest {
    private static final Path NODE_DIR = Path.of("src/test/node");
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";
    private static final String CLEAN = "Hello there. The weather is fine today. Bye.";
    private static final String BLOCKED = "Hello there. This is forbidden talk. More text follows.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    @RegisterExtension
    static final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream(
            FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(2)))
            .withKeywords("forbidden").env("MODERATION_MIN", "high"));

    @BeforeAll
    static void start() throws IOException {
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules/ai"));
        if (System.getenv("CI") != null) {
            assertTrue(installed, "the AI SDK is not installed: run npm ci in load-tests/src/test/node");
        }
        assumeTrue(installed, "AI SDK not installed (npm ci in load-tests/src/test/node); skipped outside CI");
        relay.start();
    }

    private record Answer(String text, String finishReason, JsonNode errors) {}

    private static Answer run(String sdk, String api, String kind, String reply) throws Exception {
        Process node = new ProcessBuilder("node", "ai-sdk-client.mjs", sdk, relay.v1(), api, kind, "say:" + reply)
                .directory(NODE_DIR.toFile()).redirectErrorStream(false).start();
        // stderr to a file so that a chatty SDK cannot fill a pipe and block the process
        Path stderr = dir.resolve("node-" + sdk + "-" + api + "-" + kind + "-" + System.nanoTime() + ".err");
        node.getErrorStream().transferTo(Files.newOutputStream(stderr));
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node client did not finish");
        assertEquals(0, node.exitValue(), "node failed: " + out + " " + Files.readString(stderr));
        String last = out.substring(out.lastIndexOf('\n') + 1);
        JsonNode json = JSON.readTree(last);
        return new Answer(json.path("text").asText(), json.path("finishReason").asText(), json.path("errors"));
    }

    @ParameterizedTest(name = "ai {0}")
    @ValueSource(strings = {"v6", "v5"})
    void chatCleanStream(String sdk) throws Exception {
        Answer a = run(sdk, "chat", "stream", CLEAN);
        assertEquals(CLEAN, a.text());
        assertEquals("stop", a.finishReason());
        assertTrue(a.errors().isEmpty(), a.errors().toString());
    }

    @ParameterizedTest(name = "ai {0}")
    @ValueSource(strings = {"v6", "v5"})
    void chatCutStreamReadsAsContentFilter(String sdk) throws Exception {
        Answer a = run(sdk, "chat", "stream", BLOCKED);
        assertEquals("Hello there. " + NOTICE, a.text());
        assertEquals("content-filter", a.finishReason());
        assertTrue(a.errors().isEmpty(), a.errors().toString());
    }

    @ParameterizedTest(name = "ai {0}")
    @ValueSource(strings = {"v6", "v5"})
    void chatWhole(String sdk) throws Exception {
        Answer clean = run(sdk, "chat", "whole", CLEAN);
        assertEquals(CLEAN, clean.text());
        assertEquals("stop", clean.finishReason());
        Answer cut = run(sdk, "chat", "whole", BLOCKED);
        assertEquals(NOTICE, cut.text());
        assertEquals("content-filter", cut.finishReason());
    }

    @ParameterizedTest(name = "ai {0}")
    @ValueSource(strings = {"v6", "v5"})
    void responsesCleanStream(String sdk) throws Exception {
        Answer a = run(sdk, "responses", "stream", CLEAN);
        assertEquals(CLEAN, a.text());
        assertEquals("stop", a.finishReason());
        assertTrue(a.errors().isEmpty(), a.errors().toString());
    }

    /** ai 6 accepts a response.incomplete without usage. */
    @Test
    void responsesCutStreamReadsAsContentFilter() throws Exception {
        assertResponsesCut(run("v6", "responses", "stream", BLOCKED));
    }

    /**
     * ai 5's schema requires usage on response.incomplete: without it the cut read "unknown"; the relay's cut
     * carries the upstream's usage or its own count.
     */
    @Test
    void responsesCutStreamReadsAsContentFilterWithAi5() throws Exception {
        assertResponsesCut(run("v5", "responses", "stream", BLOCKED));
    }

    private static void assertResponsesCut(Answer a) {
        assertEquals("Hello there. " + NOTICE, a.text());
        assertEquals("content-filter", a.finishReason());
        assertTrue(a.errors().isEmpty(), a.errors().toString());
    }

    @ParameterizedTest(name = "ai {0}")
    @ValueSource(strings = {"v6", "v5"})
    void responsesWhole(String sdk) throws Exception {
        Answer clean = run(sdk, "responses", "whole", CLEAN);
        assertEquals(CLEAN, clean.text());
        assertEquals("stop", clean.finishReason());
        Answer cut = run(sdk, "responses", "whole", BLOCKED);
        assertEquals(NOTICE, cut.text());
        assertEquals("content-filter", cut.finishReason());
    }
}
