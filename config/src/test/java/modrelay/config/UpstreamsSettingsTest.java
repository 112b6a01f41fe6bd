package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamsSettingsTest {

    private static RoutingSettings routing(Map<String, String> env) {
        return SettingsLoader.load(env).routing();
    }

    private static String error(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> SettingsLoader.load(env)).getMessage();
    }

    private static String error(String upstreamsJson) {
        return error(Map.of("UPSTREAMS", upstreamsJson));
    }

    @Test
    void withoutUpstreamsTheDefaultUpstreamServesEveryModelAsBefore() {
        RoutingSettings r = routing(Map.of("UPSTREAM_URL", "https://gw.example.com/openai/v1", "OPENAI_KEY", "sk-a,sk-b"));
        assertFalse(r.declared());
        UpstreamEndpoint u = r.upstreams().get(0);
        assertEquals(URI.create("https://gw.example.com/openai"), u.origin());
        assertEquals(URI.create("https://gw.example.com/openai/v1"), u.apiRoot());
        assertEquals(List.of(ModelRoute.of("*")), u.models());
        assertEquals(2, u.keys().size());
        assertTrue(r.hasServerKeys());
        assertEquals("priority", r.strategy());
        assertEquals(3, r.maxAttempts());
        assertEquals(3, r.failureThreshold());
        assertEquals(Duration.ofSeconds(30), r.cooldown());
        assertEquals(Duration.ofMinutes(5), r.modelsRefresh());
        assertFalse(routing(Map.of()).hasServerKeys(), "clients bring their keys when the default upstream has none");
    }

    @Test
    void upstreamsAsJsonInTheEnvironment() {
        RoutingSettings r = routing(Map.of("UPSTREAMS", """
                [{"name":"openai","url":"https://api.openai.com/v1","keys":["sk-1","sk-2"],"models":["gpt-4o*","o3-mini"],"priority":10},
                 {"name":"deepseek","url":"https://api.deepseek.com","keys":"ds-1","models":{"deepseek-chat":"deepseek-v3"},"weight":3},
                 {"name":"zhipu","url":"https://open.bigmodel.cn/api/paas/v4/","models":"glm-4*"},
                 {"name":"az","kind":"azure","url":"https://res.openai.azure.com/openai","keys":["az-1"],
                  "models":["gpt-4o-mini",{"gpt-4o":"prod-4o"}],"api-version":"2025-04-01-preview"}]""",
                "ROUTING_STRATEGY", "Round-Robin", "MAX_ATTEMPTS", "2"));
        assertTrue(r.declared());
        assertEquals("round-robin", r.strategy());
        assertEquals(2, r.maxAttempts());
        List<UpstreamEndpoint> u = r.upstreams();
        assertEquals(List.of("openai", "deepseek", "zhipu", "az"), u.stream().map(UpstreamEndpoint::name).toList());

        assertEquals(URI.create("https://api.openai.com/v1"), u.get(0).apiRoot());
        assertEquals(URI.create("https://api.openai.com"), u.get(0).origin());
        assertEquals(10, u.get(0).priority());
        assertEquals(1, u.get(0).weight());
        assertEquals(List.of(ModelRoute.of("o3-mini"), ModelRoute.of("gpt-4o*")), u.get(0).models(), "exact names first");
        assertTrue(u.get(0).keys().get(1).matches("sk-2"));

        assertEquals(URI.create("https://api.deepseek.com/v1"), u.get(1).apiRoot(), "a URL without a path gets /v1");
        assertEquals(3, u.get(1).weight());
        assertEquals(List.of(new ModelRoute("deepseek-chat", Optional.of("deepseek-v3"))), u.get(1).models());
        assertEquals(1, u.get(1).keys().size());

        assertEquals(URI.create("https://open.bigmodel.cn/api/paas/v4"), u.get(2).apiRoot(), "a versioned path is kept");
        assertFalse(u.get(2).hasServerKeys());
        assertEquals(UpstreamKind.OPENAI, u.get(2).kind());

        assertEquals(UpstreamKind.AZURE, u.get(3).kind());
        assertEquals(URI.create("https://res.openai.azure.com"), u.get(3).origin(), "the portal's /openai suffix is dropped");
        assertEquals("2025-04-01-preview", u.get(3).apiVersion());
        assertEquals(List.of(ModelRoute.of("gpt-4o-mini"), new ModelRoute("gpt-4o", Optional.of("prod-4o"))), u.get(3).models());
    }

    @Test
    void defaultsOfAnEntry() {
        UpstreamEndpoint u = routing(Map.of("UPSTREAMS", "{\"url\":\"https://api.moonshot.cn/v1\"}")).upstreams().get(0);
        assertEquals("api.moonshot.cn", u.name(), "named after its host");
        assertEquals(List.of(ModelRoute.of("*")), u.models());
        assertEquals(UpstreamKind.OPENAI, u.kind());
        assertEquals(1, u.weight());
        assertEquals(0, u.priority());
        UpstreamEndpoint az = routing(Map.of("UPSTREAMS", "[{\"kind\":\"azure\",\"url\":\"https://r.openai.azure.com\"}]")).upstreams().get(0);
        assertEquals("2024-10-21", az.apiVersion());
    }

    @Test
    void upstreamsInApplicationConf() {
        var config = ConfigFactory.parseString("""
                modrelay.upstreams = [
                  { name = a, url = "http://127.0.0.1:1", models = ["*"], priority = 1 }
                  { name = b, url = "http://127.0.0.1:2", kind = azure, keys = ["k"], models = [{"gpt-4.1": dep41}] }
                ]
                """).withFallback(ConfigFactory.load());
        RoutingSettings r = SettingsLoader.load(config, Map.of()).routing();
        assertTrue(r.declared());
        assertEquals(2, r.upstreams().size());
        assertEquals(new ModelRoute("gpt-4.1", Optional.of("dep41")), r.upstreams().get(1).models().get(0));
        // The environment wins over the file.
        RoutingSettings env = SettingsLoader.load(config, Map.of("UPSTREAMS", "[{\"name\":\"c\",\"url\":\"http://127.0.0.1:3\"}]")).routing();
        assertEquals("c", env.upstreams().get(0).name());
    }

    @Test
    void brokenDeclarationsPointAtTheEntryAndField() {
        String ok = "{\"name\":\"a\",\"url\":\"https://a.example\"}";
        assertEquals("UPSTREAMS[1].kind must be openai or azure, got \"azur\"",
                error("[" + ok + ",{\"url\":\"https://b.example\",\"kind\":\"azur\"}]"));
        assertEquals("UPSTREAMS[0].url is missing: the upstream's base URL, e.g. https://api.deepseek.com/v1",
                error("[{\"name\":\"x\"}]"));
        assertEquals("UPSTREAMS[0].url must be an http:// or https:// URL like https://api.deepseek.com/v1, got \"ftp://x\"",
                error("[{\"url\":\"ftp://x\"}]"));
        assertEquals("UPSTREAMS[0].weight must be a whole number from 1 to 1000000, got 0",
                error("[{\"url\":\"https://a.example\",\"weight\":0}]"));
        assertEquals("UPSTREAMS[0].priority must be a whole number from -1000000 to 1000000, got \"high\"",
                error("[{\"url\":\"https://a.example\",\"priority\":\"high\"}]"));
        assertEquals("UPSTREAMS[0] has an unknown field \"modles\"; known: name, url, kind, keys, models, weight, priority, api-version, stream_usage, preset",
                error("[{\"url\":\"https://a.example\",\"modles\":[\"*\"]}]"));
        assertEquals("UPSTREAMS[1].name \"a\" is used by an earlier upstream; give each upstream its own name",
                error("[" + ok + "," + ok + "]"));
        assertEquals("UPSTREAMS[0].models[1] must be a model name or {\"name\":\"upstream name\"}, got 42",
                error("[{\"url\":\"https://a.example\",\"models\":[\"x\",42]}]"));
        assertEquals("UPSTREAMS[0].models.deepseek-chat must be the model or deployment name upstream (a string), got a list",
                error("[{\"url\":\"https://a.example\",\"models\":{\"deepseek-chat\":[\"v3\"]}}]"));
        assertEquals("UPSTREAMS[0].api-version is only for kind azure, and this upstream is openai",
                error("[{\"url\":\"https://a.example\",\"api-version\":\"2024-10-21\"}]"));
        assertEquals("UPSTREAMS[0].api-version must look like 2024-10-21 or 2025-04-01-preview, got \"yesterday\"",
                error("[{\"kind\":\"azure\",\"url\":\"https://a.example\",\"api-version\":\"yesterday\"}]"));
        assertEquals("UPSTREAMS[0] must be an object like {\"url\":\"...\",\"models\":[\"*\"]}, got \"https://a.example\"",
                error("[\"https://a.example\"]"));
        assertEquals("UPSTREAMS must list at least one upstream, got []", error("[]"));
        assertEquals("ROUTING_STRATEGY must be one of priority|round-robin|least-in-flight|parallel, got \"random\"",
                error(Map.of("ROUTING_STRATEGY", "random")));
        assertEquals("MAX_ATTEMPTS must be 1-10, got \"0\"", error(Map.of("MAX_ATTEMPTS", "0")));
    }

    @Test
    void keysNeverAppearInErrorsOrToString() {
        String message = error("[{\"url\":\"https://a.example\",\"keys\":[\"sk-secret-value-123456\"], oops sk-secret-value-123456}]");
        assertTrue(message.startsWith("UPSTREAMS must be a JSON list of upstreams"), message);
        assertFalse(message.contains("sk-secret-value"), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        String keyType = error("[{\"url\":\"https://a.example\",\"keys\":[\"sk-secret-value-123456\", 7]}]");
        assertEquals("UPSTREAMS[0].keys[1] must be a string (an API key), got a number", keyType);
        UpstreamEndpoint u = routing(Map.of("UPSTREAMS", "[{\"url\":\"https://a.example\",\"keys\":[\"sk-secret-value-123456\"]}]"))
                .upstreams().get(0);
        assertFalse(u.toString().contains("secret-value"), u.toString());
        assertFalse(SettingsLoader.load(Map.of("UPSTREAMS", "[{\"url\":\"https://a.example\",\"keys\":\"sk-secret-value-123456\"}]"))
                .toString().contains("secret-value"));
    }
}
