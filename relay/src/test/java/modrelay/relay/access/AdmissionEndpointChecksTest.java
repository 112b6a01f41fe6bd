package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.RequestModel;
import modrelay.relay.errors.OpenAiError;
import org.junit.jupiter.api.Test;

/** The sub-key checks the request filters call: endpoint allowlist, fan-out against a quota, the request's model. */
class AdmissionEndpointChecksTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    static Admission.Sub sub(Optional<Long> remaining, ModelRules models, EndpointRules endpoints) {
        SubKey k = new SubKey("key_t", "tenant", "0".repeat(64), "mr-…abcd", T0, Optional.empty(), Optional.empty(), remaining,
                0, Optional.empty(), Optional.empty(), models, Optional.empty(), endpoints);
        // The checks read only the key; spending (which needs the registry) is not exercised here.
        return new Admission.Sub(k, null);
    }

    static Endpoint ep(String method, String path) {
        return Endpoints.classify(method, path);
    }

    @Test
    void anEndpointOutsideTheAllowlistIs403EndpointNotAllowed() {
        Admission.Sub a = sub(Optional.empty(), ModelRules.ANY, EndpointRules.DEFAULT);
        OpenAiError e = a.endpointRefusal(ep("GET", "/v1/files")).orElseThrow();
        assertEquals(403, e.status().intValue());
        assertEquals("endpoint_not_allowed", e.code());
        assertTrue(e.message().contains("files.list"), e.message());
        assertTrue(e.message().contains("group 'files'"), e.message());
        assertTrue(e.message().contains("allowed_endpoints: chat, completions, responses, embeddings, models, audio"));
        assertEquals(Optional.empty(), a.endpointRefusal(ep("POST", "/v1/chat/completions")));
        assertTrue(a.endpointRefusal(Endpoints.UNKNOWN).isPresent());
    }

    @Test
    void fanOutEndpointsAreRefusedForKeysWithAQuotaOnly() {
        EndpointRules granted = EndpointRules.parse(List.of("batches", "evals", "fine_tuning", "files"));
        Admission.Sub quota = sub(Optional.of(100L), ModelRules.ANY, granted);
        Admission.Sub unlimited = sub(Optional.empty(), ModelRules.ANY, granted);
        for (Endpoint fan : List.of(ep("POST", "/v1/batches"), ep("POST", "/v1/evals/e/runs"), ep("POST", "/v1/fine_tuning/jobs"))) {
            OpenAiError e = quota.endpointRefusal(fan).orElseThrow();
            assertEquals(403, e.status().intValue());
            assertTrue(e.message().contains("remaining_requests"), e.message());
            assertEquals(Optional.empty(), unlimited.endpointRefusal(fan), fan.name());
        }
        assertEquals(Optional.empty(), quota.endpointRefusal(ep("GET", "/v1/batches/b1")), "reading a batch runs nothing");
        assertEquals(Optional.empty(), quota.endpointRefusal(ep("POST", "/v1/files")));
    }

    @Test
    void modelRefusalsSayWhichRuleOrWhatWasMissing() {
        Admission.Sub a = sub(Optional.empty(), new ModelRules(List.of("gpt-4o-mini"), List.of()), EndpointRules.DEFAULT);
        Endpoint chat = ep("POST", "/v1/chat/completions");
        OpenAiError denied = a.modelRefusal(chat, RequestModel.named("gpt-4o"), Optional.empty()).orElseThrow();
        assertEquals("model_not_allowed", denied.code());
        assertEquals(403, denied.status().intValue());
        assertTrue(denied.message().contains("'gpt-4o' (allowed_models: gpt-4o-mini)"), denied.message());
        OpenAiError missing = a.modelRefusal(chat, RequestModel.MISSING, Optional.empty()).orElseThrow();
        assertEquals("model_required", missing.code());
        assertEquals(403, missing.status().intValue());
        assertTrue(missing.message().contains("names no 'model'"), missing.message());
        assertTrue(missing.message().contains("chat.completions.create"), missing.message());
        assertEquals(Optional.empty(), a.modelRefusal(chat, RequestModel.named("gpt-4o-mini"), Optional.empty()));
    }

    @Test
    void proxyKeysAreNotLimited() {
        Admission p = new Admission.ProxyKey("key-1");
        for (Endpoint e : Endpoints.all()) {
            assertEquals(Optional.empty(), p.endpointRefusal(e));
            assertEquals(Optional.empty(), p.modelRefusal(e, RequestModel.MISSING, Optional.empty()));
        }
    }
}
