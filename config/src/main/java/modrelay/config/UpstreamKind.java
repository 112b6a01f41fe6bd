package modrelay.config;

import java.util.Locale;

/** How an upstream is spoken to: the OpenAI API as is, or Azure OpenAI's deployment paths and {@code api-key}. */
public enum UpstreamKind {
    /** OpenAI itself and every OpenAI-compatible API (DeepSeek, Moonshot, Zhipu, Gemini's and Anthropic's compatible endpoints, …). */
    OPENAI,
    /** Azure OpenAI: {@code /openai/deployments/<deployment>/…?api-version=…} with an {@code api-key} header. */
    AZURE;

    /** The name used in configuration ("openai", "azure"). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
