package modrelay.loadtests.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official client, with strict response validation, reads the fake's Responses API replies. */
class FakeUpstreamOpenAiResponsesTest {
    private static final String SAID = "Stream me, 请。🙂";

    private FakeUpstream upstream;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(2)));
        client = OpenAIOkHttpClient.builder().baseUrl(upstream.baseUrl() + "/v1").apiKey("sk-test")
                .responseValidation(true).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        upstream.close();
    }

    @Test
    void responses() {
        ResponseCreateParams params = ResponseCreateParams.builder().model(ChatModel.GPT_4O_MINI).input("say:" + SAID).build();
        Response response = client.responses().create(params);
        assertEquals(SAID, response.output().get(0).asMessage().content().get(0).asOutputText().text());

        StringBuilder deltas = new StringBuilder();
        AtomicReference<Response> completed = new AtomicReference<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(event -> {
                event.validate();
                event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta()));
                event.completed().ifPresent(done -> completed.set(done.response()));
            });
        }
        assertEquals(SAID, deltas.toString());
        assertEquals(SAID, completed.get().output().get(0).asMessage().content().get(0).asOutputText().text());
    }
}
