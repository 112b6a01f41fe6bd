package modrelay.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstreams as stored definitions: one {@code UPSTREAMS} entry as JSON, read by the same parser as the environment
 * (one code path for every check), and an upstream written back as such an entry, so an upstream seeded from the
 * environment and read back from the database is the same upstream.
 */
public final class UpstreamDefinitions {
    private UpstreamDefinitions() {}

    /**
     * Parses one upstream; {@code where} names it in errors ({@code upstream.url must …}).
     *
     * @throws ConfigException one line naming the field, never a key
     */
    public static UpstreamEndpoint parse(String where, String json) {
        return UpstreamsParser.one(where, json);
    }

    /**
     * The entry that parses back to {@code e}, keys included (they are the stored secrets; callers that show a
     * definition remove them). The URL written is the API root (for Azure the resource), which the parser reads back
     * as the same origin and root; a preset's stripped fields come back by naming the preset.
     */
    public static String toJson(UpstreamEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        for (ProviderPreset p : ProviderPreset.values()) {
            if (!e.strip().isEmpty() && p.kind() == e.kind() && p.strip().equals(e.strip())) {
                m.put("preset", p.configName());
                break;
            }
        }
        m.put("kind", e.kind().configName());
        m.put("url", (e.kind() == UpstreamKind.AZURE ? e.origin() : e.apiRoot()).toString());
        m.put("keys", e.keys().stream().map(Secret::reveal).toList());
        List<Object> models = new ArrayList<>();
        for (ModelRoute r : e.models()) {
            models.add(r.upstreamName().isPresent() ? Map.of(r.pattern(), r.upstreamName().get()) : r.pattern());
        }
        m.put("models", models);
        m.put("weight", e.weight());
        m.put("priority", e.priority());
        if (e.kind() == UpstreamKind.AZURE) m.put("api-version", e.apiVersion());
        m.put("stream_usage", e.streamUsage());
        return ConfigValueFactory.fromMap(m).render(ConfigRenderOptions.concise());
    }
}
