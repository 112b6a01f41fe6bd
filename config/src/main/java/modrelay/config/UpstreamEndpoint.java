package modrelay.config;

import java.net.URI;
import java.util.List;

/**
 * One upstream the relay can send requests to.
 *
 * @param name       how logs and {@code owned_by} name it; unique
 * @param kind       OpenAI-compatible or Azure OpenAI
 * @param origin     scheme, host, port (and base path) that paths other than {@code /v1/…} are appended to;
 *                   for Azure the resource URL ({@code https://<resource>.openai.azure.com})
 * @param apiRoot    where a client's {@code /v1/<rest>} goes: {@code apiRoot + "/<rest>"} (the base URL an
 *                   OpenAI SDK would be given, e.g. {@code https://api.deepseek.com/v1},
 *                   {@code https://open.bigmodel.cn/api/paas/v4}); unused for Azure
 * @param keys       its own server-side keys, rotated by its own key pool; empty means clients bring theirs
 * @param models     the models it serves, exact names first, globs after (see {@link ModelRoute})
 * @param weight     share of traffic among upstreams of the same priority (at least 1)
 * @param priority   higher is tried first; lower priorities are fallbacks
 * @param apiVersion Azure's {@code api-version} query parameter; "" for OpenAI-compatible upstreams
 * @param streamUsage whether the relay may add {@code stream_options.include_usage} to streamed chat and
 *                   completions requests (UPSTREAMS' {@code "stream_usage": false} for servers that reject it)
 * @param strip      request fields taken out of JSON bodies before they go to this upstream (a provider preset's)
 */
public record UpstreamEndpoint(
        String name,
        UpstreamKind kind,
        URI origin,
        URI apiRoot,
        List<Secret> keys,
        List<ModelRoute> models,
        int weight,
        int priority,
        String apiVersion,
        boolean streamUsage,
        List<FieldStrip> strip) {

    public UpstreamEndpoint {
        keys = List.copyOf(keys);
        models = List.copyOf(models);
        strip = List.copyOf(strip);
    }

    /** An upstream that takes {@code stream_options}, without fields to strip. */
    public UpstreamEndpoint(String name, UpstreamKind kind, URI origin, URI apiRoot, List<Secret> keys, List<ModelRoute> models,
            int weight, int priority, String apiVersion) {
        this(name, kind, origin, apiRoot, keys, models, weight, priority, apiVersion, true, List.of());
    }

    public boolean hasServerKeys() {
        return !keys.isEmpty();
    }

    /** Never shows the keys, only how many there are. */
    @Override
    public String toString() {
        return "UpstreamEndpoint(" + name + ", " + kind.configName() + ", " + (kind == UpstreamKind.AZURE ? origin : apiRoot)
                + ", keys=" + keys.size() + ", models=" + models + ", weight=" + weight + ", priority=" + priority
                + (apiVersion.isEmpty() ? "" : ", api-version=" + apiVersion) + (streamUsage ? "" : ", stream_usage=false") + ")";
    }
}
