package modrelay.loadtests.fakes;

import java.util.List;
import java.util.Locale;

/**
 * A provider's OpenAI-compatible endpoint as the fake speaks it: the path prefix its base URL has (a request
 * elsewhere gets that provider's 404), a bearer key required, the request fields it rejects (400), and the
 * shape of its chat stream. Where each shape comes from is in docs/providers.md; the point is that the relay
 * meets every one of them (no {@code object} field, {@code data:} without a space, SSE comments, usage in odd
 * places, sentence-sized deltas, reasoning before content) before a user does.
 *
 * @param name            the preset name in modrelay's UPSTREAMS
 * @param pathPrefix      what the paths start with instead of {@code /v1} (e.g. {@code /api/paas/v4})
 * @param rejected        top-level fields answered with 400, for models matching {@code rejectedFor} (a prefix; "" = all)
 */
public record FakeProvider(String name, String pathPrefix, List<String> rejected, String rejectedFor, Shape shape) {
    public enum Shape { OPENAI, ANTHROPIC, GEMINI, ZHIPU, SPARK, DEEPSEEK, DASHSCOPE, MOONSHOT }

    public FakeProvider {
        rejected = List.copyOf(rejected);
    }

    /** The fake for one of modrelay's presets (azure has its own fake, {@link FakeAzure}). */
    public static FakeProvider of(String preset) {
        return switch (preset.toLowerCase(Locale.ROOT)) {
            case "openai" -> new FakeProvider("openai", "/v1", List.of(), "", Shape.OPENAI);
            case "anthropic" -> new FakeProvider("anthropic", "/v1", List.of(), "", Shape.ANTHROPIC);
            case "gemini" -> new FakeProvider("gemini", "/v1beta/openai", List.of(), "", Shape.GEMINI);
            case "zhipu" -> new FakeProvider("zhipu", "/api/paas/v4", List.of(), "", Shape.ZHIPU);
            case "spark" -> new FakeProvider("spark", "/v1", List.of(), "", Shape.SPARK);
            case "deepseek" -> new FakeProvider("deepseek", "/v1", List.of("logprobs", "top_logprobs"), "deepseek-reasoner",
                    Shape.DEEPSEEK);
            case "dashscope" -> new FakeProvider("dashscope", "/compatible-mode/v1", List.of(), "", Shape.DASHSCOPE);
            case "moonshot" -> new FakeProvider("moonshot", "/v1", List.of(), "", Shape.MOONSHOT);
            default -> throw new IllegalArgumentException("no fake for preset " + preset);
        };
    }

    /** Every preset with a fake of this kind. */
    public static final List<String> PRESETS =
            List.of("openai", "anthropic", "gemini", "zhipu", "spark", "deepseek", "dashscope", "moonshot");
}
