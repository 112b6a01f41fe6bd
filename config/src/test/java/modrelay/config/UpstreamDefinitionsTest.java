package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An upstream stored as a definition parses back to the same upstream, and a bad one fails as UPSTREAMS does. */
class UpstreamDefinitionsTest {

    @Test
    void everyKindOfUpstreamRoundTripsThroughItsDefinition() {
        List<UpstreamEndpoint> declared = SettingsLoader.load(Map.of("UPSTREAMS", "["
                + "{\"name\":\"ds\",\"preset\":\"deepseek\",\"keys\":\"sk-d1,sk-d2\"},"
                + "{\"name\":\"claude\",\"preset\":\"anthropic\",\"url\":\"http://127.0.0.1:9\",\"keys\":[\"sk-c\"]},"
                + "{\"name\":\"az\",\"kind\":\"azure\",\"url\":\"https://r.openai.azure.com/openai\",\"keys\":[\"k\"],"
                + "\"models\":{\"gpt-4o\":\"prod-4o\"},\"api-version\":\"2025-04-01-preview\"},"
                + "{\"name\":\"plain\",\"url\":\"http://10.0.0.1:8080\",\"models\":[\"gpt-4o*\",{\"fast\":\"gpt-4o-mini\"}],"
                + "\"weight\":3,\"priority\":-2,\"stream_usage\":false},"
                + "{\"name\":\"gw\",\"url\":\"https://gw.example.com/base/path\"}]")).routing().upstreams();
        RoutingSettings single = SettingsLoader.load(Map.of("UPSTREAM_URL", "https://gw.example.com/openai/v1",
                "OPENAI_KEY", "sk-a")).routing();
        List<UpstreamEndpoint> all = new java.util.ArrayList<>(declared);
        all.add(single.upstreams().get(0));
        for (UpstreamEndpoint e : all) {
            UpstreamEndpoint back = UpstreamDefinitions.parse("upstream", UpstreamDefinitions.toJson(e));
            assertEquals(e, back, e.name());
            assertEquals(e.keys().stream().map(Secret::reveal).toList(), back.keys().stream().map(Secret::reveal).toList());
        }
    }

    @Test
    void aBadDefinitionNamesTheFieldAndNeverTheKey() {
        String url = error("{\"url\":\"ftp://x\",\"keys\":[\"sk-secret-1\"]}");
        assertTrue(url.startsWith("upstream.url must be an http:// or https://"), url);
        assertFalse(url.contains("sk-secret-1"), url);
        assertTrue(error("{\"url\":\"http://x\",\"colour\":1}").startsWith("upstream has an unknown field \"colour\""));
        assertTrue(error("{\"url\":\"http://x\",\"weight\":0}").startsWith("upstream.weight must be a whole number"));
        assertTrue(error("[{\"url\":\"http://x\"}]").startsWith("upstream must be one JSON object"));
        String broken = error("{\"url\":\"http://x\",\"keys\":[\"sk-secret-2\"");
        assertTrue(broken.startsWith("upstream must be one JSON object"), broken);
        assertFalse(broken.contains("sk-secret-2"), broken);
        // HOCON's leniencies are not JSON: a definition is strict JSON.
        assertTrue(error("{url: \"http://x\"}").startsWith("upstream must be one JSON object"));
    }

    @Test
    void theSourceOfUpstreamsIsAutoByDefaultAndChecked() {
        RoutingSettings r = SettingsLoader.load(Map.of()).routing();
        assertEquals("auto", r.upstreamsSource());
        assertEquals(Duration.ofSeconds(30), r.upstreamsRefresh());
        RoutingSettings env = SettingsLoader.load(Map.of("UPSTREAMS_SOURCE", "ENV", "UPSTREAMS_REFRESH", "0")).routing();
        assertEquals("env", env.upstreamsSource());
        assertEquals(Duration.ZERO, env.upstreamsRefresh());
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("UPSTREAMS_SOURCE", "file")));
        assertTrue(e.getMessage().startsWith("UPSTREAMS_SOURCE must be one of auto|env|database"), e.getMessage());
    }

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> UpstreamDefinitions.parse("upstream", json)).getMessage();
    }
}
