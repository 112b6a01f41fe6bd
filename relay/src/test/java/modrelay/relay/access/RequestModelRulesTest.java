package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.ModelField;
import modrelay.relay.endpoint.RequestModel;
import org.junit.jupiter.api.Test;

/** Model rules judged on what the canonical request read: a key with rules must see the model. */
class RequestModelRulesTest {
    static final ModelRules ALLOW_MINI = new ModelRules(List.of("gpt-4o-mini"), List.of());
    static final ModelRules DENY_GPT4 = new ModelRules(List.of(), List.of("gpt-4*"));
    static final ModelRules ALLOW_O3 = new ModelRules(List.of("o3*"), List.of());
    static final Endpoint CHAT = Endpoints.classify("POST", "/v1/chat/completions");

    static Optional<ModelRules.Refusal> judge(ModelRules rules, Endpoint e, RequestModel m) {
        return rules.refusal(e, m, Optional.empty());
    }

    /** Every way of not naming a model as a plain string, on every endpoint that takes one, with either kind of rule. */
    @Test
    void aModelThatIsNotThereOrNotAStringIsRefusedOnEveryModelBearingEndpoint() {
        List<RequestModel> unchecked = List.of(RequestModel.MISSING, new RequestModel.NotAString("null"),
                new RequestModel.NotAString("number"), new RequestModel.NotAString("array"),
                new RequestModel.NotAString("object"), new RequestModel.NotAString("boolean"),
                new RequestModel.Unreadable("not JSON"));
        List<Endpoint> required = Endpoints.all().stream().filter(e -> e.model() == ModelField.REQUIRED).toList();
        assertTrue(required.size() > 10);
        for (ModelRules rules : List.of(ALLOW_O3, DENY_GPT4)) {
            for (Endpoint e : required) {
                for (RequestModel m : unchecked) {
                    Optional<ModelRules.Refusal> r = judge(rules, e, m);
                    assertInstanceOf(ModelRules.Refusal.Unchecked.class, r.orElse(null), e.name() + " " + m);
                }
                assertEquals(Optional.empty(), judge(rules, e, RequestModel.named("o3-mini")), e.name());
            }
            assertInstanceOf(ModelRules.Refusal.Unchecked.class, judge(rules, Endpoints.UNKNOWN, RequestModel.MISSING).orElse(null),
                    "an unknown endpoint may run a model");
        }
    }

    @Test
    void whyTheModelCouldNotBeCheckedIsSaid() {
        assertEquals("the request names no 'model'", why(judge(ALLOW_MINI, CHAT, RequestModel.MISSING)));
        assertEquals("'model' is null, not a string", why(judge(ALLOW_MINI, CHAT, new RequestModel.NotAString("null"))));
        assertEquals("'model' is a number, not a string", why(judge(ALLOW_MINI, CHAT, new RequestModel.NotAString("number"))));
        assertEquals("'model' is an array, not a string", why(judge(ALLOW_MINI, CHAT, new RequestModel.NotAString("array"))));
        assertTrue(why(judge(ALLOW_MINI, CHAT, new RequestModel.Unreadable("NaN is not JSON"))).contains("NaN is not JSON"));
    }

    /** Names an upstream might trim, fold or clean into another model: refused whatever the rules say. */
    @Test
    void namesAnUpstreamCouldReadAsAnotherModelAreRefused() {
        for (String sly : List.of("", " gpt-4o", "gpt-4o ", "gpt-4o\n", "gpt-4o\t", "gpt\u00004o", "gpt-4o\u200b",
                "\uff47\uff50\uff54-4o", "gpt-4\u043e", "gpt-4o\u00a0", "x".repeat(257))) {
            Optional<ModelRules.Refusal> r = judge(DENY_GPT4, CHAT, RequestModel.named(sly));
            assertInstanceOf(ModelRules.Refusal.Unchecked.class, r.orElse(null), "[" + sly + "]");
        }
        assertEquals(Optional.empty(), judge(DENY_GPT4, CHAT, RequestModel.named("o3-mini")));
        assertEquals(Optional.empty(), judge(DENY_GPT4, CHAT, RequestModel.named("ft:o3-mini:acme:x:abc/1")));
        assertEquals(Optional.empty(), judge(DENY_GPT4, CHAT, RequestModel.named("x".repeat(256))));
    }

    @Test
    void namedModelsFollowTheRulesEverywhereEvenWhereTheEndpointTakesNone() {
        Endpoint upload = Endpoints.classify("POST", "/v1/files");
        assertEquals(Optional.empty(), judge(ALLOW_MINI, upload, RequestModel.MISSING), "an upload names no model");
        assertEquals(new ModelRules.Refusal.Denied("gpt-4o", "allowed_models: gpt-4o-mini"),
                judge(ALLOW_MINI, upload, RequestModel.named("gpt-4o")).orElseThrow());
        assertEquals(new ModelRules.Refusal.Denied("GPT-4-turbo", "denied_models: gpt-4*"),
                judge(DENY_GPT4, CHAT, RequestModel.named("GPT-4-turbo")).orElseThrow());
        assertInstanceOf(ModelRules.Refusal.Unchecked.class,
                judge(ALLOW_MINI, upload, new RequestModel.NotAString("number")).orElse(null));
    }

    @Test
    void anUpdateWithoutAModelChangesNoModel() {
        Endpoint update = Endpoints.classify("POST", "/v1/assistants/asst_1");
        assertEquals(ModelField.WHEN_PRESENT, update.model());
        assertEquals(Optional.empty(), judge(ALLOW_MINI, update, RequestModel.MISSING));
        assertTrue(judge(ALLOW_MINI, update, RequestModel.named("o1")).isPresent());
    }

    @Test
    void nestedModelsCannotBeCheckedSoAKeyWithRulesIsRefused() {
        for (String[] mp : List.of(new String[] {"POST", "/v1/batches"}, new String[] {"POST", "/v1/evals/e/runs"},
                new String[] {"POST", "/v1/realtime/client_secrets"})) {
            Endpoint e = Endpoints.classify(mp[0], mp[1]);
            assertInstanceOf(ModelRules.Refusal.Unchecked.class, judge(ALLOW_MINI, e, RequestModel.MISSING).orElse(null));
            assertInstanceOf(ModelRules.Refusal.Unchecked.class,
                    judge(ALLOW_MINI, e, RequestModel.named("gpt-4o-mini")).orElse(null), "the top-level model is not what runs");
            assertEquals(Optional.empty(), ModelRules.ANY.refusal(e, RequestModel.MISSING, Optional.empty()));
        }
    }

    @Test
    void onAzurePathsTheDeploymentIsTheModelAndABodyModelIsCheckedToo() {
        Endpoint azure = Endpoints.classify("POST", "/openai/deployments/gpt-4o-mini/chat/completions");
        Optional<String> dep = Endpoints.deployment("/openai/deployments/gpt-4o-mini/chat/completions");
        assertEquals(Optional.empty(), ALLOW_MINI.refusal(azure, RequestModel.MISSING, dep), "Azure needs no body model");
        assertEquals(new ModelRules.Refusal.Denied("gpt-4o", "allowed_models: gpt-4o-mini"),
                ALLOW_MINI.refusal(azure, RequestModel.MISSING, Optional.of("gpt-4o")).orElseThrow());
        assertTrue(ALLOW_MINI.refusal(azure, RequestModel.named("o1"), dep).isPresent());
        assertInstanceOf(ModelRules.Refusal.Unchecked.class, ALLOW_MINI.refusal(azure, RequestModel.MISSING,
                Optional.empty()).orElse(null), "a deployment endpoint without a deployment");
        assertInstanceOf(ModelRules.Refusal.Unchecked.class, ALLOW_MINI.refusal(azure, RequestModel.MISSING,
                Optional.of("gpt-4o-mini ")).orElse(null));
    }

    @Test
    void aKeyWithoutRulesRefusesNothing() {
        for (Endpoint e : Endpoints.all()) {
            for (RequestModel m : List.of(RequestModel.MISSING, new RequestModel.NotAString("null"),
                    new RequestModel.Unreadable("x"), RequestModel.named(" odd "))) {
                assertEquals(Optional.empty(), ModelRules.ANY.refusal(e, m, Optional.empty()), e.name());
            }
        }
    }

    static String why(Optional<ModelRules.Refusal> r) {
        return ((ModelRules.Refusal.Unchecked) r.orElseThrow()).why();
    }
}
