package modrelay.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void theStartLineNamesTheDeclaredUpstreamsNotTheDefaultOne() {
        Settings s = SettingsLoader.load(Map.of("UPSTREAMS", "[{\"name\":\"deepseek\",\"url\":\"https://api.deepseek.com/v1\","
                + "\"keys\":[\"sk-one-000000000000000\",\"sk-two-000000000000000\"]},"
                + "{\"name\":\"backup\",\"url\":\"http://10.0.0.9:8000/v1\",\"keys\":[\"sk-three-0000000000000\"]}]"));
        String line = Main.upstreamsOf(s);
        assertEquals("[deepseek https://api.deepseek.com/v1, backup http://10.0.0.9:8000/v1]", line);
        assertFalse(line.contains("api.openai.com"));
        assertEquals(3, Main.serverKeys(s));
    }

    @Test
    void withoutUpstreamsItNamesUpstreamUrl() {
        Settings s = SettingsLoader.load(Map.of("UPSTREAM_URL", "http://127.0.0.1:8080", "OPENAI_KEY", "sk-a,sk-b"));
        assertEquals("http://127.0.0.1:8080", Main.upstreamsOf(s));
        assertEquals(2, Main.serverKeys(s));
    }

    @Test
    void theStartLineNamesTheOldNamesItWasStartedWith() {
        assertEquals(" (read under old names: OXY_TARGET as UPSTREAM_URL, FORWARD_KEY as PROXY_KEY)",
                Main.aliasesOf(Map.of("OXY_TARGET", "http://127.0.0.1:8080", "FORWARD_KEY", "fk-xxx1")));
        assertEquals("", Main.aliasesOf(Map.of("UPSTREAM_URL", "http://127.0.0.1:8080", "OXY_TARGET", "http://old")));
    }
}
