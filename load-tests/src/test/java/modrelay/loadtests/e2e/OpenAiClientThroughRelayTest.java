package modrelay.loadtests.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.models.Model;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RelaySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official openai-java client, pointed at the relay, against the fake upstream. */
class OpenAiClientThroughRelayTest {
    @RegisterExtension
    static final RelayFixture relay = RelayFixture.of(RelaySpec.withFakeUpstream(
            FakeUpstream.Options.defaults().withTokenInterval(java.time.Duration.ofMillis(5)))
            .env("PROXY_KEY", "proxy-secret-1,proxy-secret-2",
                    // A client that goes away is noticed on the next write: heartbeats bound that.
                    "HEARTBEAT_INTERVAL", "250ms"));

    private static OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder().apiKey(apiKey).baseUrl(relay.v1()).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder chat(String prompt) {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(prompt);
    }

    @Test
    void nonStreamingChatArrivesAndTheProxyKeyNeverGoesUpstream() {
        ChatCompletion c = client("sk-client-own:proxy-secret-2").chat().completions()
                .create(chat("say:Hello from the other side.").build());
        assertEquals("Hello from the other side.", c.choices().get(0).message().content().orElseThrow());
        FakeUpstream.RecordedRequest seen = last("/v1/chat/completions");
        assertEquals("Bearer sk-client-own", seen.header("authorization"));
        for (var h : seen.headers().entrySet()) {
            assertFalse(h.getValue().contains("proxy-secret"), "proxy key leaked upstream in header " + h.getKey());
        }
    }

    @Test
    void streamingChatReachesTheClientBeforeTheUpstreamHasFinished() throws Exception {
        int completedBefore = relay.upstream().streamsCompleted();
        // 40 tokens, 300 ms apart: the upstream cannot have finished when the third token reaches the client.
        ChatCompletionCreateParams params = chat("say:one two three " + "more ".repeat(37))
                .putAdditionalHeader("x-fake-token-interval-ms", "300").build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client("sk-x:proxy-secret-1").chat().completions().createStreaming(params)) {
            Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            while (text.length() < "one two three ".length()) {
                ChatCompletionChunk chunk = it.next();
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            }
            assertEquals(completedBefore, relay.upstream().streamsCompleted(), "the upstream stream must still be open");
        }
        assertEquals("one two three ", text.toString());
    }

    @Test
    void streamingChatArrivesWhole() {
        StringBuilder text = new StringBuilder();
        String reply = "第一句话。Second sentence here! 😀 third";
        try (StreamResponse<ChatCompletionChunk> stream = client("sk-x:proxy-secret-1").chat().completions()
                .createStreaming(chat("say:" + reply).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertEquals(reply, text.toString());
    }

    @Test
    void modelListIsRelayed() {
        List<Model> models = client("sk-x:proxy-secret-1").models().list().data();
        assertFalse(models.isEmpty());
    }

    @Test
    void multipartUploadArrivesByteIdenticalUpstream() {
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        FileObject created = client("sk-x:proxy-secret-1").files().create(FileCreateParams.builder()
                .file(file).purpose(FilePurpose.ASSISTANTS).build());
        assertEquals(file.length, created.bytes());
        byte[] body = last("/v1/files").body();
        assertTrue(indexOf(body, file) >= 0, "the uploaded bytes must arrive unchanged inside the multipart body");
    }

    @Test
    void audioSpeechBytesAreIdentical() throws Exception {
        try (HttpResponse r = client("sk-x:proxy-secret-1").audio().speech().create(SpeechCreateParams.builder()
                .model("tts-1").voice(SpeechCreateParams.Voice.ofString("alloy")).input("Read this aloud.").build());
                InputStream in = r.body()) {
            assertArrayEquals(FakeUpstream.speechBytes("Read this aloud."), in.readAllBytes());
        }
    }

    @Test
    void wrongProxyKeyRaisesTheClientsAuthenticationError() {
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client("sk-x:wrong").chat().completions().create(chat("say:hi").build()));
        assertEquals(401, e.statusCode());
        assertTrue(e.getMessage().contains("proxy key"), e.getMessage());
        assertFalse(e.getMessage().contains("proxy-secret"));
    }

    private static FakeUpstream.RecordedRequest last(String pathPrefix) {
        List<FakeUpstream.RecordedRequest> all = relay.upstream().requests();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).path().startsWith(pathPrefix)) return all.get(i);
        }
        throw new AssertionError("upstream never saw " + pathPrefix);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
