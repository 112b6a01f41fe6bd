package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderPresetSettingsTest {

    private static UpstreamEndpoint one(String json) {
        return SettingsLoader.load(Map.of("UPSTREAMS", json)).routing().upstreams().get(0);
    }

    @Test
    void aPresetAloneGivesTheProvidersBaseUrlNameAndBearerKind() {
        UpstreamEndpoint z = one("[{\"preset\":\"zhipu\",\"keys\":[\"k.1\"]}]");
        assertEquals("zhipu", z.name());
        assertEquals(UpstreamKind.OPENAI, z.kind());
        assertEquals(URI.create("https://open.bigmodel.cn/api/paas/v4"), z.apiRoot());
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta/openai"),
                one("[{\"preset\":\"gemini\"}]").apiRoot());
        assertEquals(URI.create("https://dashscope.aliyuncs.com/compatible-mode/v1"), one("[{\"preset\":\"DashScope\"}]").apiRoot());
        assertEquals(URI.create("https://api.deepseek.com/v1"), one("[{\"preset\":\"deepseek\"}]").apiRoot());
        assertEquals(URI.create("https://api.moonshot.cn/v1"), one("[{\"preset\":\"moonshot\"}]").apiRoot());
        assertEquals(URI.create("https://spark-api-open.xf-yun.com/v1"), one("[{\"preset\":\"spark\"}]").apiRoot());
        assertEquals(URI.create("https://api.anthropic.com/v1"), one("[{\"preset\":\"anthropic\"}]").apiRoot());
        assertEquals(URI.create("https://api.openai.com/v1"), one("[{\"preset\":\"openai\"}]").apiRoot());
    }

    @Test
    void aUrlWithoutPathKeepsThePresetsPathPrefixAndAUrlWithAPathIsTakenAsIs() {
        assertEquals(URI.create("http://127.0.0.1:8080/api/paas/v4"),
                one("[{\"preset\":\"zhipu\",\"url\":\"http://127.0.0.1:8080\"}]").apiRoot());
        assertEquals(URI.create("https://api.z.ai/api/paas/v4"),
                one("[{\"preset\":\"zhipu\",\"url\":\"https://api.z.ai/api/paas/v4/\"}]").apiRoot());
        assertEquals(URI.create("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
                one("[{\"preset\":\"dashscope\",\"url\":\"https://dashscope-intl.aliyuncs.com/compatible-mode/v1\"}]").apiRoot());
    }

    @Test
    void presetsCarryTheFieldsTheirProviderRejectsOrIgnores() {
        List<FieldStrip> anthropic = one("[{\"preset\":\"anthropic\"}]").strip();
        assertEquals(1, anthropic.size());
        assertEquals("*", anthropic.get(0).models());
        assertTrue(anthropic.get(0).fields().containsAll(List.of("logprobs", "seed", "store", "user", "response_format")));
        assertFalse(anthropic.get(0).fields().contains("n"), "n must be 1 there: a client asking for more gets the provider's error");
        assertEquals(List.of(new FieldStrip("deepseek-reasoner*", List.of("logprobs", "top_logprobs"))),
                one("[{\"preset\":\"deepseek\"}]").strip());
        assertEquals(List.of(), one("[{\"url\":\"https://api.deepseek.com/v1\"}]").strip(), "no preset, nothing stripped");
    }

    @Test
    void azurePresetNeedsTheResourceUrlAndSpeaksAzure() {
        UpstreamEndpoint a = one("[{\"preset\":\"azure\",\"url\":\"https://my-res.openai.azure.com\",\"keys\":\"az-key\"}]");
        assertEquals(UpstreamKind.AZURE, a.kind());
        assertEquals("azure", a.name());
        assertEquals(UpstreamsParser.DEFAULT_AZURE_API_VERSION, a.apiVersion());
        ConfigException e = assertThrows(ConfigException.class, () -> one("[{\"preset\":\"azure\"}]"));
        assertEquals("UPSTREAMS[0].url is missing: the upstream's base URL, e.g. https://<resource>.openai.azure.com", e.getMessage());
    }

    @Test
    void badPresetsAreOneLineErrors() {
        assertEquals("UPSTREAMS[0].preset must be one of openai, anthropic, gemini, zhipu, spark, deepseek, dashscope, moonshot, azure,"
                        + " got \"claude\"",
                assertThrows(ConfigException.class, () -> one("[{\"preset\":\"claude\"}]")).getMessage());
        assertEquals("UPSTREAMS[0].kind azure contradicts preset gemini (openai); leave kind out",
                assertThrows(ConfigException.class, () -> one("[{\"preset\":\"gemini\",\"kind\":\"azure\"}]")).getMessage());
        assertEquals("UPSTREAMS[1].name \"deepseek\" is used by an earlier upstream; give each upstream its own name",
                assertThrows(ConfigException.class, () -> one("[{\"preset\":\"deepseek\"},{\"preset\":\"deepseek\"}]")).getMessage());
    }

    @Test
    void theParallelStrategyIsOneOfTheStrategiesAndNotTheDefault() {
        assertEquals("parallel", SettingsLoader.load(Map.of("ROUTING_STRATEGY", "Parallel")).routing().strategy());
        assertEquals("priority", SettingsLoader.load(Map.of()).routing().strategy());
    }
}
