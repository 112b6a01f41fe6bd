package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetySettingsTest {

    @Test
    void defaultsRefuseAnOpenRelayAndBoundSlowAndGreedyClients() {
        Settings s = SettingsLoader.load(Map.of());
        assertEquals(SafetySettings.defaults(), s.safety());
        assertFalse(s.safety().allowOpenRelay());
        assertEquals(Duration.ofSeconds(10), s.safety().headerReadTimeout());
        assertEquals(256, s.safety().maxConnectionsPerIp());
        assertEquals(64L * 1024 * 1024, s.observability().chatQueueBytes());
        assertEquals(ObservabilitySettings.defaults().chatQueueBytes(), s.observability().chatQueueBytes());
    }

    @Test
    void environmentSetsThem() {
        Settings s = SettingsLoader.load(Map.of("ALLOW_OPEN_RELAY", "true", "HEADER_READ_TIMEOUT", "2s",
                "MAX_CONNECTIONS_PER_IP", "8", "LOG_CHAT_QUEUE_BYTES", "1m"));
        assertTrue(s.safety().allowOpenRelay());
        assertEquals(Duration.ofSeconds(2), s.safety().headerReadTimeout());
        assertEquals(8, s.safety().maxConnectionsPerIp());
        assertEquals(1024L * 1024, s.observability().chatQueueBytes());
        assertEquals(s.safety(), s.listeningOn("127.0.0.1", 0).safety(), "a test's relay keeps them");
    }

    @Test
    void badValuesNameTheVariable() {
        assertTrue(assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("MAX_CONNECTIONS_PER_IP", "0")))
                .getMessage().startsWith("MAX_CONNECTIONS_PER_IP"));
        assertTrue(assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("HEADER_READ_TIMEOUT", "5ms")))
                .getMessage().startsWith("HEADER_READ_TIMEOUT"));
        assertTrue(assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("ALLOW_OPEN_RELAY", "maybe")))
                .getMessage().startsWith("ALLOW_OPEN_RELAY"));
        assertTrue(assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("LOG_CHAT_QUEUE_BYTES", "1k")))
                .getMessage().startsWith("LOG_CHAT_QUEUE_BYTES"));
    }
}
