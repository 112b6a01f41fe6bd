package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelRulesTest {

    @Test
    void noRulesAllowEverything() {
        assertFalse(ModelRules.ANY.restricts());
        assertEquals(Optional.empty(), ModelRules.ANY.refusal("gpt-4o"));
    }

    @Test
    void allowedGlobsAreTheOnlyModelsAllowed() {
        ModelRules r = new ModelRules(List.of("gpt-4o*", "whisper-?"), List.of());
        assertEquals(Optional.empty(), r.refusal("gpt-4o"));
        assertEquals(Optional.empty(), r.refusal("gpt-4o-mini-2024-07-18"));
        assertEquals(Optional.empty(), r.refusal("whisper-1"));
        assertEquals(Optional.of("allowed_models: gpt-4o*, whisper-?"), r.refusal("whisper-10"));
        assertEquals(Optional.of("allowed_models: gpt-4o*, whisper-?"), r.refusal("gpt-4"));
        assertEquals(Optional.of("allowed_models: gpt-4o*, whisper-?"), r.refusal("o1"));
    }

    @Test
    void deniedWinsAndCaseIsIgnored() {
        ModelRules r = new ModelRules(List.of("gpt-4o*"), List.of("gpt-4o-audio*", "*realtime*"));
        assertEquals(Optional.of("denied_models: gpt-4o-audio*"), r.refusal("GPT-4o-Audio-Preview"));
        assertEquals(Optional.of("denied_models: *realtime*"), r.refusal("gpt-4o-realtime-preview"));
        assertEquals(Optional.empty(), r.refusal("gpt-4o-mini"));
        ModelRules denyOnly = new ModelRules(List.of(), List.of("o1*"));
        assertEquals(Optional.empty(), denyOnly.refusal("gpt-4o"));
        assertTrue(denyOnly.refusal("o1-preview").isPresent());
    }

    @Test
    void globCharactersOtherThanStarAndQuestionMarkAreLiteral() {
        assertTrue(ModelRules.matches("ft:gpt-4o:acme.*", "ft:gpt-4o:acme.v2"));
        assertFalse(ModelRules.matches("gpt-4o.mini", "gpt-4oXmini"));
        assertFalse(ModelRules.matches("gpt-4o", "gpt-4o-mini"), "a glob matches the whole name");
    }
}
