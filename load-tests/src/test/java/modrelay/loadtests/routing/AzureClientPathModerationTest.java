package modrelay.loadtests.routing;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modrelay.loadtests.fakes.FakeAzure;
import modrelay.loadtests.fakes.FakeUpstream.RecordedRequest;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that speaks Azure paths itself ({@code /openai/deployments/<dep>/chat/completions}) and asks for
 * moderation: the relay moderates that stream like an OpenAI-path one, because the dialect is chosen by the
 * path's ending, and takes the flags out of the body before it goes to Azure.
 */
class AzureClientPathModerationTest {
    private static final String NOTICE = "这个话题不适合讨论，换个话题吧。";
    private static final String AZURE_PATH = "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21";

    @RegisterExtension
    final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(FakeUpstream.Options.defaults()
                    .withTokenInterval(Duration.ofMillis(2))
                    .withAzure(FakeAzure.of("az-key", Map.of("prod-4o", "gpt-4o-2024-08-06"))))
            .withKeywords("forbidden")
            .envWithUpstreamUrl("UPSTREAMS", url -> """
                    [{"name":"azure","kind":"azure","url":"%s","keys":["az-key"],"api-version":"2024-10-21",
                      "models":{"gpt-4o":"prod-4o"}}]""".formatted(url)));

    /** What a user of the stream sees: the concatenated delta texts and every finish reason. */
    private record Seen(String raw, String text, List<String> finishReasons, boolean done) {}

    /** A streamed chat completion as an Azure client sends it: no {@code model} (the deployment is in the path), {@code api-key}. */
    private Seen stream(String reply, String flags) throws Exception {
        String body = "{\"stream\":true," + flags + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + TestHttp.JSON.valueToTree("say:" + reply) + "}]}";
        HttpResponse<String> r = relay.post(AZURE_PATH, body, "api-key", "client-key");
        assertEquals(200, r.statusCode(), r.body());
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        boolean done = false;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ")) continue;
            String data = line.substring("data: ".length());
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            for (JsonNode choice : TestHttp.json(data).path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual()) text.append(content.textValue());
                if (choice.path("finish_reason").isTextual()) finish.add(choice.path("finish_reason").textValue());
            }
        }
        return new Seen(r.body(), text.toString(), finish, done);
    }

    private RecordedRequest lastPost() {
        List<RecordedRequest> posts = relay.upstream().requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertFalse(posts.isEmpty(), "nothing reached the Azure fake");
        return posts.get(posts.size() - 1);
    }

    private void assertFlagsNotForwarded() throws Exception {
        RecordedRequest sent = lastPost();
        assertEquals(AZURE_PATH, sent.path(), "an Azure path goes to Azure as it is");
        JsonNode upstreamBody = TestHttp.json(sent.bodyText());
        assertFalse(upstreamBody.has("moderation"), sent.bodyText());
        assertFalse(upstreamBody.has("moderation_level"), sent.bodyText());
        assertTrue(upstreamBody.path("stream").asBoolean(), "the rest of the body is kept");
    }

    @Test
    void aCleanAnswerOnAnAzurePathArrivesWhole() throws Exception {
        Seen seen = stream("All is well. Nothing to see here.", "\"moderation\":true");
        assertEquals("All is well. Nothing to see here.", seen.text());
        assertEquals(List.of("stop"), seen.finishReasons());
        assertTrue(seen.done(), seen.raw());
        assertFlagsNotForwarded();
    }

    @Test
    void aFlaggedSentenceOnAnAzurePathIsCutAndNeverReachesTheClient() throws Exception {
        Seen seen = stream("Fine. Then forbidden words. End.", "\"moderation\":true,\"moderation_level\":\"high\"");
        assertEquals("Fine. " + NOTICE, seen.text());
        assertEquals(List.of("content_filter"), seen.finishReasons());
        assertTrue(seen.done(), seen.raw());
        // The text check above covers a word split over events; this one covers every other field of every event.
        assertFalse(seen.raw().contains("forbidden"), seen.raw());
        assertFlagsNotForwarded();
    }
}
