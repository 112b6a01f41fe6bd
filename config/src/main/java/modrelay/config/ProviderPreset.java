package modrelay.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the relay knows about a provider's OpenAI-compatible endpoint, so an {@code UPSTREAMS} entry can say
 * {@code "preset": "deepseek"} instead of spelling it out: the base URL (scheme, host and path prefix), how the
 * key is sent ({@link UpstreamKind}: a bearer token, or Azure's {@code api-key}), and the request fields the
 * provider documents as rejected or ignored, which are taken out of the body. Where each fact comes from is
 * in docs/providers.md.
 */
public enum ProviderPreset {
    OPENAI("openai", "https://api.openai.com/v1", UpstreamKind.OPENAI, List.of()),
    /** Claude's OpenAI SDK compatibility layer: the fields its table marks "Ignored" are not sent. */
    ANTHROPIC("anthropic", "https://api.anthropic.com/v1", UpstreamKind.OPENAI, List.of(FieldStrip.all(
            "logprobs", "top_logprobs", "logit_bias", "metadata", "prediction", "presence_penalty", "frequency_penalty",
            "seed", "service_tier", "audio", "store", "user", "modalities", "reasoning_effort", "response_format"))),
    GEMINI("gemini", "https://generativelanguage.googleapis.com/v1beta/openai", UpstreamKind.OPENAI, List.of()),
    ZHIPU("zhipu", "https://open.bigmodel.cn/api/paas/v4", UpstreamKind.OPENAI, List.of()),
    SPARK("spark", "https://spark-api-open.xf-yun.com/v1", UpstreamKind.OPENAI, List.of()),
    /** deepseek-reasoner answers 400 to logprobs and top_logprobs (and ignores the sampling fields). */
    DEEPSEEK("deepseek", "https://api.deepseek.com/v1", UpstreamKind.OPENAI,
            List.of(new FieldStrip("deepseek-reasoner*", List.of("logprobs", "top_logprobs")))),
    DASHSCOPE("dashscope", "https://dashscope.aliyuncs.com/compatible-mode/v1", UpstreamKind.OPENAI, List.of()),
    MOONSHOT("moonshot", "https://api.moonshot.cn/v1", UpstreamKind.OPENAI, List.of()),
    /** The resource URL is the user's own: {@code url} is required. */
    AZURE("azure", null, UpstreamKind.AZURE, List.of());

    private final String configName;
    private final String baseUrl;
    private final UpstreamKind kind;
    private final List<FieldStrip> strip;

    ProviderPreset(String configName, String baseUrl, UpstreamKind kind, List<FieldStrip> strip) {
        this.configName = configName;
        this.baseUrl = baseUrl;
        this.kind = kind;
        this.strip = strip;
    }

    public String configName() {
        return configName;
    }

    /** The provider's documented base URL (what its OpenAI SDK examples pass as base_url); empty for Azure. */
    public Optional<String> baseUrl() {
        return Optional.ofNullable(baseUrl);
    }

    /** The path of the base URL ("/v1beta/openai", "/api/paas/v4"), appended to a {@code url} given without a path. */
    public String pathPrefix() {
        return baseUrl == null ? "" : java.net.URI.create(baseUrl).getRawPath();
    }

    public UpstreamKind kind() {
        return kind;
    }

    public List<FieldStrip> strip() {
        return strip;
    }

    public static Optional<ProviderPreset> of(String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.configName.equals(v)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(ProviderPreset::configName).collect(Collectors.joining(", "));
    }
}
