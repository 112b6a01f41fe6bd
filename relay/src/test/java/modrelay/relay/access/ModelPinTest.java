package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.errors.OpenAiError;
import org.junit.jupiter.api.Test;

/** Where a key's model pin is spliced into a JSON body, and what it refuses where it cannot be applied. */
class ModelPinTest {
    static final Optional<String> PIN = Optional.of("gpt-4o-mini");

    static Endpoint post(String path) {
        return Endpoints.classify("POST", path);
    }

    @Test
    void everyEndpointThatRunsTheBodysModelGetsThePinWhateverTheClientNamed() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings",
                "/v1/audio/speech", "/v1/moderations")) {
            for (RequestModel named : List.of(new RequestModel.Named("gpt-4o"), RequestModel.MISSING,
                    new RequestModel.NotAString("number"))) {
                assertEquals(PIN, ModelPin.forJson(PIN, post(path), named), path + " " + named);
            }
        }
    }

    @Test
    void anUpdateGetsThePinOnlyWhereItNamesAModelAndEndpointsWithoutOneAreLeftAlone() {
        Endpoint update = post("/v1/assistants/asst_1");
        assertEquals(PIN, ModelPin.forJson(PIN, update, new RequestModel.Named("gpt-4o")));
        assertEquals(Optional.empty(), ModelPin.forJson(PIN, update, RequestModel.MISSING), "no model named: none chosen");
        assertEquals(Optional.empty(), ModelPin.forJson(PIN, post("/v1/files"), RequestModel.MISSING));
        assertEquals(Optional.empty(), ModelPin.refusal(PIN.get(), post("/v1/files"), RequestModel.MISSING, Optional.empty()));
        assertEquals(Optional.empty(), ModelPin.refusal(PIN.get(), Endpoints.classify("GET", "/v1/models"), RequestModel.MISSING,
                Optional.empty()));
    }

    @Test
    void noPinNoChange() {
        assertEquals(Optional.empty(), ModelPin.forJson(Optional.empty(), post("/v1/chat/completions"), new RequestModel.Named("x")));
    }

    @Test
    void aBodyWhoseModelCannotBeReadIsNotSplicedButRefused() {
        RequestModel twin = new RequestModel.Unreadable("the body names 'model' twice, in different case");
        assertEquals(Optional.empty(), ModelPin.forJson(PIN, post("/v1/chat/completions"), twin));
        assertRefused(ModelPin.refusal(PIN.get(), post("/v1/chat/completions"), twin, Optional.empty()), "cannot be read");
    }

    @Test
    void aFormPassesOnlyWhenItNamesThePinnedModel() {
        Endpoint transcription = post("/v1/audio/transcriptions");
        assertEquals(Optional.empty(), ModelPin.refusal("whisper-1", transcription, new RequestModel.Named("whisper-1"), Optional.empty()));
        assertRefused(ModelPin.refusal("whisper-1", transcription, new RequestModel.Named("gpt-4o-transcribe"), Optional.empty()),
                "'gpt-4o-transcribe'");
        assertRefused(ModelPin.refusal("whisper-1", transcription, RequestModel.MISSING, Optional.empty()), "names no model");
        assertRefused(ModelPin.refusal("whisper-1", post("/v1/images/edits"), new RequestModel.Named("dall-e-2"), Optional.empty()),
                "'dall-e-2'");
    }

    @Test
    void aBatchRunsModelsTheRelayCannotSetAndIsRefused() {
        assertRefused(ModelPin.refusal(PIN.get(), post("/v1/batches"), RequestModel.MISSING, Optional.empty()), "batches.create");
    }

    @Test
    void anAzurePathPassesOnlyWhenItsDeploymentStandsForThePinnedModel() {
        Endpoint azure = post("/openai/deployments/prod/chat/completions");
        assertEquals(Optional.empty(), ModelPin.forJson(PIN, azure, new RequestModel.Named("gpt-4o")), "the path decides, not the body");
        assertEquals(Optional.empty(), ModelPin.refusal(PIN.get(), azure, RequestModel.MISSING, Optional.of("gpt-4o-mini")));
        assertRefused(ModelPin.refusal(PIN.get(), azure, RequestModel.MISSING, Optional.of("gpt-4o")), "stands for 'gpt-4o'");
    }

    static void assertRefused(Optional<OpenAiError> e, String why) {
        assertTrue(e.isPresent(), "refused");
        assertEquals(400, e.get().status().intValue());
        assertEquals(ModelPin.CODE, e.get().code());
        assertTrue(e.get().message().contains(why), e.get().message());
        assertTrue(e.get().message().contains("pinned to the model"), e.get().message());
    }
}
