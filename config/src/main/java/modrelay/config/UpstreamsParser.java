package modrelay.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the upstream list: {@code modrelay.upstreams} in application.conf, or the same list as JSON in
 * the {@code UPSTREAMS} environment variable (JSON is HOCON, so one parser serves both). Every error
 * is one line naming the entry and field ({@code UPSTREAMS[1].kind must be openai or azure, got "azur"})
 * and never shows a key.
 */
final class UpstreamsParser {
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
    private static final List<String> FIELDS =
            List.of("name", "url", "kind", "keys", "models", "weight", "priority", "api-version", "stream_usage", "preset");

    private UpstreamsParser() {}

    /** The list in an environment variable (JSON, or HOCON); a single object counts as a list of one. */
    static List<UpstreamEndpoint> fromEnv(String var, String raw) {
        ConfigValue v = value(var, raw, ConfigSyntax.CONF, "a JSON list of upstreams like [{\"name\":\"openai\",\"url\":"
                + "\"https://api.openai.com/v1\",\"keys\":[\"sk-...\"],\"models\":[\"*\"]}]");
        if (v != null && v.valueType() == ConfigValueType.OBJECT) return parse(var, List.of(v));
        if (v == null || v.valueType() != ConfigValueType.LIST) {
            throw new ConfigException(var + " must be a JSON list of upstreams, got " + describe(v));
        }
        return parse(var, (ConfigList) v);
    }

    /**
     * One upstream as one {@code UPSTREAMS} entry (an object), e.g. from the admin API: the same checks and messages,
     * {@code where} naming it ({@code upstream.url must …}).
     */
    static UpstreamEndpoint one(String where, String json) {
        ConfigValue v = value(where, json, ConfigSyntax.JSON,
                "one JSON object like {\"name\":\"deepseek\",\"preset\":\"deepseek\",\"keys\":[\"sk-...\"]}");
        if (v == null || v.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigException(where + " must be one JSON object (an upstream), got " + describe(v));
        }
        return entry(where, (ConfigObject) v);
    }

    /**
     * {@code text} parsed as the value of one key (so a list, an object or a scalar all parse), or null when empty;
     * unparseable text is refused as "{@code where} must be {@code mustBe}", without quoting it (it may hold keys).
     */
    private static ConfigValue value(String where, String text, ConfigSyntax syntax, String mustBe) {
        try {
            return ConfigFactory.parseString("{\"v\":" + text + "\n}",
                    ConfigParseOptions.defaults().setOriginDescription(where).setSyntax(syntax)).root().get("v");
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(where + " must be " + mustBe + ", but it does not parse: " + withoutQuotedText(e.getMessage()));
        }
    }

    /** The list at a HOCON path (already known to be a list). */
    static List<UpstreamEndpoint> fromConfig(String path, ConfigList list) {
        return parse(path, list);
    }

    private static List<UpstreamEndpoint> parse(String where, List<? extends ConfigValue> entries) {
        if (entries.isEmpty()) throw new ConfigException(where + " must list at least one upstream, got []");
        List<UpstreamEndpoint> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = where + "[" + i + "]";
            ConfigValue entry = entries.get(i);
            if (entry.valueType() != ConfigValueType.OBJECT) {
                throw new ConfigException(at + " must be an object like {\"url\":\"...\",\"models\":[\"*\"]}, got " + describe(entry));
            }
            UpstreamEndpoint u = entry(at, (ConfigObject) entry);
            if (!names.add(u.name())) {
                throw new ConfigException(at + ".name \"" + u.name() + "\" is used by an earlier upstream; give each upstream its own name");
            }
            out.add(u);
        }
        return List.copyOf(out);
    }

    private static UpstreamEndpoint entry(String at, ConfigObject obj) {
        for (String field : obj.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new ConfigException(at + " has an unknown field \"" + field + "\"; known: " + String.join(", ", FIELDS));
            }
        }
        Optional<ProviderPreset> preset = optionalString(at, obj, "preset").map(p -> ProviderPreset.of(p).orElseThrow(() ->
                new ConfigException(at + ".preset must be one of " + ProviderPreset.names() + ", got \"" + p + "\"")));
        String kindRaw = optionalString(at, obj, "kind").orElse(preset.map(p -> p.kind().configName()).orElse("openai"));
        UpstreamKind kind = switch (kindRaw.toLowerCase(Locale.ROOT)) {
            case "openai" -> UpstreamKind.OPENAI;
            case "azure" -> UpstreamKind.AZURE;
            default -> throw new ConfigException(at + ".kind must be openai or azure, got \"" + kindRaw + "\"");
        };
        if (preset.isPresent() && preset.get().kind() != kind) {
            throw new ConfigException(at + ".kind " + kind.configName() + " contradicts preset " + preset.get().configName()
                    + " (" + preset.get().kind().configName() + "); leave kind out");
        }
        Optional<String> urlGiven = optionalString(at, obj, "url");
        String urlRaw = urlGiven.or(() -> preset.flatMap(ProviderPreset::baseUrl))
                .orElseThrow(() -> new ConfigException(at + ".url is missing: the upstream's base URL, e.g. "
                        + (kind == UpstreamKind.AZURE ? "https://<resource>.openai.azure.com" : "https://api.deepseek.com/v1")));
        URI url = url(at + ".url", urlRaw);
        if (preset.isPresent() && urlGiven.isPresent() && (url.getRawPath() == null || url.getRawPath().isEmpty())) {
            // A preset's host moved (a region, a gateway, a test's fake): its path prefix still applies.
            url = url(at + ".url", url + preset.get().pathPrefix());
        }
        URI origin;
        URI apiRoot;
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (kind == UpstreamKind.AZURE) {
            // The resource URL; "/openai" (as the portal shows it) is where the relay's paths start anyway.
            String s = url.toString();
            if (path.endsWith("/openai")) s = s.substring(0, s.length() - "/openai".length());
            origin = URI.create(s);
            apiRoot = origin;
        } else if (path.isEmpty()) {
            origin = url;
            apiRoot = URI.create(url + "/v1");
        } else if (path.endsWith("/v1")) {
            apiRoot = url;
            origin = URI.create(url.toString().substring(0, url.toString().length() - 3));
        } else {
            apiRoot = url;
            origin = url;
        }
        String name = optionalString(at, obj, "name").orElse(preset.map(ProviderPreset::configName).orElse(url.getHost()));
        if (!name.matches("[A-Za-z0-9._\\-]{1,64}")) {
            throw new ConfigException(at + ".name must be 1-64 letters, digits, '.', '_' or '-', got \"" + name + "\"");
        }
        List<Secret> keys = keys(at + ".keys", obj.get("keys"));
        List<ModelRoute> models = models(at + ".models", obj.get("models"));
        int weight = integer(at + ".weight", obj.get("weight"), 1, 1, 1_000_000);
        int priority = integer(at + ".priority", obj.get("priority"), 0, -1_000_000, 1_000_000);
        Optional<String> version = optionalString(at, obj, "api-version");
        String apiVersion = "";
        if (kind == UpstreamKind.AZURE) {
            apiVersion = version.orElse(DEFAULT_AZURE_API_VERSION);
            if (!apiVersion.matches("\\d{4}-\\d{2}-\\d{2}(-preview)?|v1|latest|preview")) {
                throw new ConfigException(at + ".api-version must look like 2024-10-21 or 2025-04-01-preview, got \"" + apiVersion + "\"");
            }
        } else if (version.isPresent()) {
            throw new ConfigException(at + ".api-version is only for kind azure, and this upstream is " + kind.configName());
        }
        ConfigValue streamUsage = obj.get("stream_usage");
        if (streamUsage != null && streamUsage.valueType() != ConfigValueType.BOOLEAN) {
            throw new ConfigException(at + ".stream_usage must be true or false, got " + describe(streamUsage));
        }
        return new UpstreamEndpoint(name, kind, origin, apiRoot, keys, models, weight, priority, apiVersion,
                streamUsage == null || (Boolean) streamUsage.unwrapped(), preset.map(ProviderPreset::strip).orElse(List.of()));
    }

    private static URI url(String field, String raw) {
        return HttpUrls.parse(field, raw, "https://api.deepseek.com/v1");
    }

    private static Optional<String> optionalString(String at, ConfigObject obj, String field) {
        ConfigValue v = obj.get(field);
        if (v == null || v.valueType() == ConfigValueType.NULL) return Optional.empty();
        if (v.valueType() != ConfigValueType.STRING) {
            throw new ConfigException(at + "." + field + " must be a string, got " + describe(v));
        }
        String s = ((String) v.unwrapped()).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A list of strings or one comma-separated string. Values are never shown in errors. */
    private static List<Secret> keys(String field, ConfigValue v) {
        if (v == null || v.valueType() == ConfigValueType.NULL) return List.of();
        List<String> raw = new ArrayList<>();
        if (v.valueType() == ConfigValueType.STRING) {
            for (String k : ((String) v.unwrapped()).split("[,\\s]+")) raw.add(k);
        } else if (v.valueType() == ConfigValueType.LIST) {
            ConfigList list = (ConfigList) v;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).valueType() != ConfigValueType.STRING) {
                    throw new ConfigException(field + "[" + i + "] must be a string (an API key), got a " + typeName(list.get(i)));
                }
                raw.add((String) list.get(i).unwrapped());
            }
        } else {
            throw new ConfigException(field + " must be a list of API keys or one comma-separated string, got a " + typeName(v));
        }
        return raw.stream().map(String::trim).filter(k -> !k.isEmpty()).map(Secret::of).toList();
    }

    /**
     * {@code "*"}, {@code ["gpt-4o*", "o3-mini"]}, {@code {"deepseek-chat": "deepseek-v3"}} or a list mixing
     * names and such objects. Missing: every model. Exact names come first, then globs, the most specific
     * (most literal characters) first, so the order of an object's keys does not matter.
     */
    private static List<ModelRoute> models(String field, ConfigValue v) {
        List<ModelRoute> routes = new ArrayList<>();
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            routes.add(ModelRoute.of("*"));
        } else if (v.valueType() == ConfigValueType.STRING) {
            for (String p : ((String) v.unwrapped()).split("[,\\s]+")) {
                if (!p.isEmpty()) routes.add(route(field, p, Optional.empty()));
            }
        } else if (v.valueType() == ConfigValueType.OBJECT) {
            mapping(field, (ConfigObject) v, routes);
        } else if (v.valueType() == ConfigValueType.LIST) {
            ConfigList list = (ConfigList) v;
            for (int i = 0; i < list.size(); i++) {
                ConfigValue item = list.get(i);
                if (item.valueType() == ConfigValueType.STRING) {
                    routes.add(route(field + "[" + i + "]", (String) item.unwrapped(), Optional.empty()));
                } else if (item.valueType() == ConfigValueType.OBJECT) {
                    mapping(field + "[" + i + "]", (ConfigObject) item, routes);
                } else {
                    throw new ConfigException(field + "[" + i + "] must be a model name or {\"name\":\"upstream name\"}, got " + describe(item));
                }
            }
        } else {
            throw new ConfigException(field + " must be a list of model names or globs, got " + describe(v));
        }
        if (routes.isEmpty()) throw new ConfigException(field + " must name at least one model (\"*\" for all)");
        Set<String> seen = new HashSet<>();
        for (ModelRoute r : routes) {
            if (!seen.add(r.pattern())) throw new ConfigException(field + " lists \"" + r.pattern() + "\" twice");
        }
        List<ModelRoute> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(ModelRoute::isGlob)
                .thenComparing(Comparator.comparingInt((ModelRoute r) -> literalChars(r.pattern())).reversed()));
        return List.copyOf(sorted);
    }

    private static void mapping(String field, ConfigObject obj, List<ModelRoute> routes) {
        if (obj.isEmpty()) throw new ConfigException(field + " must map at least one model, got {}");
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            ConfigValue target = e.getValue();
            if (target.valueType() != ConfigValueType.STRING || ((String) target.unwrapped()).isBlank()) {
                throw new ConfigException(field + "." + e.getKey() + " must be the model or deployment name upstream (a string), got "
                        + describe(target));
            }
            String t = ((String) target.unwrapped()).trim();
            if (!t.matches("[^\\s*?/]+")) {
                throw new ConfigException(field + "." + e.getKey() + " must be a plain name without spaces, '/', '*' or '?', got \"" + t + "\"");
            }
            routes.add(route(field, e.getKey(), Optional.of(t)));
        }
    }

    private static ModelRoute route(String field, String raw, Optional<String> target) {
        String p = raw.trim();
        if (p.isEmpty() || !p.matches("\\S+")) {
            throw new ConfigException(field + " must hold model names or globs without spaces, got \"" + raw + "\"");
        }
        return new ModelRoute(p, target);
    }

    private static int literalChars(String pattern) {
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) if (pattern.charAt(i) != '*' && pattern.charAt(i) != '?') n++;
        return n;
    }

    private static int integer(String field, ConfigValue v, int absent, int min, int max) {
        if (v == null || v.valueType() == ConfigValueType.NULL) return absent;
        Object raw = v.unwrapped();
        try {
            long n;
            if (raw instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
                n = num.longValue();
            } else if (raw instanceof String s) {
                n = Long.parseLong(s.trim());
            } else {
                throw new NumberFormatException();
            }
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(field + " must be a whole number from " + min + " to " + max + ", got " + describe(v));
    }

    private static String describe(ConfigValue v) {
        if (v == null) return "nothing";
        return switch (v.valueType()) {
            case STRING -> "\"" + v.unwrapped() + "\"";
            case NUMBER, BOOLEAN -> String.valueOf(v.unwrapped());
            case NULL -> "null";
            case LIST -> "a list";
            case OBJECT -> "an object";
        };
    }

    private static String typeName(ConfigValue v) {
        return v.valueType().name().toLowerCase(Locale.ROOT);
    }

    /** Typesafe Config quotes the offending token; in a list that holds keys that could be a key. */
    static String withoutQuotedText(String message) {
        String m = message == null ? "" : message.replaceAll("[\\r\\n]+", " ");
        return m.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    }
}
