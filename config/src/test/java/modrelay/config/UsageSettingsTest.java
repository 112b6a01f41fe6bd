package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageSettingsTest {

    @Test
    void defaultsRecordUsageWithoutPricesOrSubKeyLabels() {
        Settings s = SettingsLoader.load(Map.of());
        assertEquals(UsageSettings.defaults(), s.usage());
        assertTrue(s.usage().enabled());
        assertEquals(Optional.empty(), s.usage().priceOf("gpt-4o"));
        assertEquals(s.usage(), s.listeningOn("127.0.0.1", 0).usage(), "a test's relay keeps them");
    }

    @Test
    void environmentSetsThem() {
        Settings s = SettingsLoader.load(Map.of("USAGE", "off", "USAGE_QUEUE", "50", "USAGE_FLUSH_INTERVAL", "250ms",
                "METRICS_SUBKEY_LABEL", "true",
                "PRICES", "{\"gpt-4o-mini\":{\"input\":0.15,\"output\":0.6},\"gpt-4o*\":{\"input\":2.5,\"output\":10},"
                        + "\"gpt-*\":{\"input\":1,\"output\":2}}"));
        UsageSettings u = s.usage();
        assertFalse(u.enabled());
        assertEquals(50, u.queueSize());
        assertEquals(Duration.ofMillis(250), u.flushInterval());
        assertTrue(u.metricsSubKey());
        assertEquals(Optional.of(new UsageSettings.Price(0.15, 0.6)), u.priceOf("gpt-4o-mini"));
        assertEquals(Optional.of(new UsageSettings.Price(2.5, 10)), u.priceOf("gpt-4o-2024-08-06"), "longest glob wins");
        assertEquals(Optional.of(new UsageSettings.Price(1, 2)), u.priceOf("gpt-3.5-turbo"));
        assertEquals(Optional.empty(), u.priceOf("claude"));
    }

    @Test
    void badValuesNameTheVariableAndEntry() {
        assertTrue(msg(Map.of("USAGE", "maybe")).startsWith("USAGE"));
        assertTrue(msg(Map.of("PRICES", "{nope")).startsWith("PRICES"));
        assertTrue(msg(Map.of("PRICES", "{\"m\":{\"input\":1}}")).contains("PRICES[\"m\"].output"));
        assertTrue(msg(Map.of("PRICES", "{\"m\":{\"input\":-1,\"output\":1}}")).contains("0 or more"));
        assertTrue(msg(Map.of("PRICES", "{\"m\":{\"input\":1,\"output\":1,\"cache\":1}}")).contains("unknown field"));
        assertTrue(msg(Map.of("USAGE_QUEUE", "0")).startsWith("USAGE_QUEUE"));
    }

    @Test
    void upstreamsMaySwitchStreamUsageOff() {
        Settings s = SettingsLoader.load(Map.of("UPSTREAMS",
                "[{\"name\":\"a\",\"url\":\"http://127.0.0.1:1/v1\"},{\"name\":\"b\",\"url\":\"http://127.0.0.1:2/v1\",\"stream_usage\":false}]"));
        assertTrue(s.routing().upstreams().get(0).streamUsage());
        assertFalse(s.routing().upstreams().get(1).streamUsage());
        assertTrue(msg(Map.of("UPSTREAMS", "[{\"url\":\"http://127.0.0.1:1/v1\",\"stream_usage\":\"no\"}]"))
                .contains("UPSTREAMS[0].stream_usage must be true or false"));
    }

    private static String msg(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> SettingsLoader.load(env)).getMessage();
    }
}
