package modrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnmoderatedEndpointsSettingTest {

    @Test
    void noEndpointIsExemptByDefault() {
        assertEquals(List.of(), SettingsLoader.load(Map.of()).moderation().unmoderatedEndpoints());
    }

    @Test
    void namesAreCommaSeparatedTrimmedAndLowerCased() {
        ModerationSettings m = SettingsLoader.load(Map.of("MODERATION_UNMODERATED_ENDPOINTS",
                " Assistants, files.content,,realtime ")).moderation();
        assertEquals(List.of("assistants", "files.content", "realtime"), m.unmoderatedEndpoints());
    }
}
