package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilitySettingsTest {

    @Test
    void chatLogIsOffAndMetricsAreOpenByDefault() {
        ObservabilitySettings o = SettingsLoader.load(Map.of()).observability();
        assertFalse(o.logChat());
        assertEquals(Path.of("./logs"), o.logDir());
        assertEquals(100L * 1024 * 1024, o.chatMaxBytes());
        assertEquals(30, o.chatMaxFiles(), "bounded by default: the chat log cannot fill the disk");
        assertEquals(10_000, o.chatQueueSize());
        assertTrue(o.metricsToken().isEmpty());
    }

    @Test
    void environmentTurnsThemOn() {
        ObservabilitySettings o = SettingsLoader.load(Map.of(
                "LOG_CHAT", "true", "LOG_DIR", "/var/log/modrelay", "LOG_CHAT_MAX_BYTES", "10m",
                "LOG_CHAT_QUEUE", "500", "METRICS_TOKEN", "metrics-secret-token", "LOG_CHAT_MAX_FILES", "7")).observability();
        assertTrue(o.logChat());
        assertEquals(Path.of("/var/log/modrelay"), o.logDir());
        assertEquals(10L * 1024 * 1024, o.chatMaxBytes());
        assertEquals(500, o.chatQueueSize());
        assertEquals(7, o.chatMaxFiles());
        assertTrue(o.metricsToken().orElseThrow().matches("metrics-secret-token"));
        assertFalse(o.metricsToken().orElseThrow().toString().contains("metrics-secret-token"));
    }

    @Test
    void zeroMaxFilesKeepsEveryFileAndANegativeCountIsRefused() {
        assertEquals(0, SettingsLoader.load(Map.of("LOG_CHAT_MAX_FILES", "0")).observability().chatMaxFiles());
        String files = assertThrows(ConfigException.class,
                () -> SettingsLoader.load(Map.of("LOG_CHAT_MAX_FILES", "-1"))).getMessage();
        assertTrue(files.startsWith("LOG_CHAT_MAX_FILES must be 0-"), files);
    }

    @Test
    void booleansReadTheUsualSpellings() {
        assertTrue(SettingsLoader.load(Map.of("LOG_CHAT", "YES")).observability().logChat());
        assertTrue(SettingsLoader.load(Map.of("LOG_CHAT", "1")).observability().logChat());
        assertFalse(SettingsLoader.load(Map.of("LOG_CHAT", "off")).observability().logChat());
    }

    @Test
    void badValuesNameTheVariableOnOneLine() {
        String bool = assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("LOG_CHAT", "maybe"))).getMessage();
        assertEquals("LOG_CHAT must be true or false, got \"maybe\"", bool);
        String size = assertThrows(ConfigException.class,
                () -> SettingsLoader.load(Map.of("LOG_CHAT_MAX_BYTES", "12"))).getMessage();
        assertTrue(size.startsWith("LOG_CHAT_MAX_BYTES must be at least 1024 bytes"), size);
        String queue = assertThrows(ConfigException.class,
                () -> SettingsLoader.load(Map.of("LOG_CHAT_QUEUE", "0"))).getMessage();
        assertTrue(queue.startsWith("LOG_CHAT_QUEUE must be 1-"), queue);
        assertFalse(queue.contains("\n"));
    }
}
