package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.ChatModel;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.models.Model;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official client, with strict response validation, understands every reply of the fake:
 * proof that the shapes are OpenAI's (required fields present, types right). The Responses API
 * has its own class ({@link FakeUpstreamOpenAiResponsesTest}): the client's first use of its
 * models alone takes seconds.
 */
class FakeUpstreamOpenAiClientTest {
    private static final String SAID = "Stream me, 请。🙂";

    private FakeUpstream upstream;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(java.time.Duration.ofMillis(2))
                .withStatusForKey("sk-limited", 429));
        client = clientWithKey("sk-test");
    }

    private OpenAIClient clientWithKey(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(upstream.baseUrl() + "/v1").apiKey(key)
                .responseValidation(true).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder chat(String userText) {
        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(userText);
    }

    @Test
    void chatCompletion() {
        ChatCompletion completion = client.chat().completions().create(chat("say:" + SAID).build());
        assertEquals(SAID, completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertEquals(FakeTokens.split(SAID).size(), completion.usage().orElseThrow().completionTokens());
    }

    @Test
    void chatCompletionStreamWithUsage() {
        StringBuilder said = new StringBuilder();
        AtomicReference<ChatCompletionChunk> last = new AtomicReference<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                chat("say:" + SAID).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(said::append));
                last.set(chunk);
            });
        }
        assertEquals(SAID, said.toString());
        assertTrue(last.get().choices().isEmpty());
        assertEquals(FakeTokens.split(SAID).size(), last.get().usage().orElseThrow().completionTokens());
    }

    @Test
    void legacyCompletion() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model("gpt-3.5-turbo-instruct").prompt("say:" + SAID).build());
        assertEquals(SAID, completion.choices().get(0).text());
        // Streamed legacy chunks carry "finish_reason":null until the last, as OpenAI sends them;
        // the SDK's strict validation rejects that (it would reject OpenAI too), so read them unvalidated.
        OpenAIClient lenient = OpenAIOkHttpClient.builder().baseUrl(upstream.baseUrl() + "/v1").apiKey("sk-test")
                .maxRetries(0).build();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = lenient.completions().createStreaming(CompletionCreateParams.builder()
                .model("gpt-3.5-turbo-instruct").prompt("say:" + SAID).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        } finally {
            lenient.close();
        }
        assertEquals(SAID, streamed.toString());
    }

    @Test
    void modelsEmbeddingsSpeechAndFiles() throws Exception {
        List<Model> models = client.models().list().data();
        assertTrue(models.stream().anyMatch(model -> model.id().equals("gpt-4o-mini")));
        assertEquals("gpt-4o", client.models().retrieve("gpt-4o").id());

        CreateEmbeddingResponse embeddings = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("embed me").build());
        assertEquals(FakeEmbeddingReplies.DIMENSIONS, embeddings.data().get(0).embedding().size());

        try (com.openai.core.http.HttpResponse speech = client.audio().speech().create(SpeechCreateParams.builder()
                .model("tts-1").voice("alloy").input("speak").build());
             InputStream audio = speech.body()) {
            assertArrayEquals(FakeUpstream.speechBytes("speak"), audio.readAllBytes());
        }

        byte[] file = "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FileObject uploaded = client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build());
        assertEquals(file.length, uploaded.bytes());
        assertEquals(FileObject.Purpose.FINE_TUNE, uploaded.purpose());
    }

    @Test
    void errorsMapToTheClientsExceptions() {
        OpenAIClient limited = clientWithKey("sk-limited");
        try {
            assertThrows(RateLimitException.class, () -> limited.chat().completions().create(chat("hi").build()));
        } finally {
            limited.close();
        }
        assertThrows(NotFoundException.class, () -> client.models().retrieve("no-such-model"));
    }
}
