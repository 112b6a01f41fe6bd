package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deadlines before and during a stream, and what happens when a client goes away. */
class DeadlinesAndCancellationTest {
    @RegisterExtension
    final RelayFixture relay = RelayFixture.lazy(RelaySpec.withFakeUpstream());

    private void start(Map<String, String> env) {
        relay.start(s -> s.env(env));
    }

    @Test
    void noHeadersWithinTimeoutIs504() throws Exception {
        start(Map.of("TIMEOUT", "300"));
        HttpResponse<String> r = TestHttp.post(relay.v1() + "/chat/completions", "Bearer sk-a", TestHttp.chatBody("late.", false),
                "x-fake-delay-headers-ms", "5000");
        assertEquals(504, r.statusCode());
        assertEquals("upstream_timeout", TestHttp.error(r).get("code").asText());
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        FakeUpstream gone = FakeUpstream.start(FakeUpstream.Options.defaults());
        int deadPort = gone.port();
        gone.close();
        RunningRelay relay = this.relay.start(RelaySpec.withoutFakes().env("UPSTREAM_URL", "http://127.0.0.1:" + deadPort));
        HttpResponse<String> r = TestHttp.post(relay.v1() + "/chat/completions", "Bearer sk-a", TestHttp.chatBody("x.", false));
        assertEquals(502, r.statusCode());
        assertEquals("upstream_unreachable", TestHttp.error(r).get("code").asText());
    }

    @Test
    void silenceMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        start(Map.of("IDLE_TIMEOUT", "400ms", "HEARTBEAT_INTERVAL", "10s"));
        try (RawStream s = new RawStream(relay.port(), "/v1/chat/completions", "Bearer sk-a",
                TestHttp.chatBody("one two three four five", true), "x-fake-stall-after-tokens", "2")) {
            String all = s.readToEnd();
            assertTrue(all.contains("\"content\":\"one \""), all);
            assertTrue(all.contains("upstream_idle_timeout"), all);
            assertFalse(all.contains("[DONE]"));
        }
    }

    @Test
    void theOfficialClientClosingAStreamCancelsTheUpstreamRequest() throws Exception {
        start(Map.of("HEARTBEAT_INTERVAL", "200ms"));
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("sk-a").baseUrl(relay.v1()).maxRetries(0).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:" + "word ".repeat(50)).putAdditionalHeader("x-fake-token-interval-ms", "200").build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            it.next();
            it.next();
            assertEquals(1, relay.upstream().openConnections());
        }
        relay.upstream().whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void clientsGoingAwayMidStreamFreeEveryUpstreamConnection() throws Exception {
        // More streams than Akka's default pool (4 connections) could ever hold at once.
        start(Map.of("HEARTBEAT_INTERVAL", "200ms"));
        int n = 12;
        List<RawStream> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(new RawStream(relay.port(), "/v1/chat/completions", "Bearer sk-a",
                    TestHttp.chatBody("alpha beta gamma delta epsilon", true), "x-fake-stall-after-tokens", "2"));
        }
        for (RawStream c : clients) c.readUntil("\"content\":\"beta \"");
        relay.upstream().whenStreamsStarted(n).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(n, relay.upstream().openConnections(), "one upstream connection per live stream");
        for (RawStream c : clients) c.close();
        // The relay notices on its next write (a heartbeat) and cancels the upstream request.
        relay.upstream().whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
