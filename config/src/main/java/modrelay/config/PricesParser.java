package modrelay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PRICES: {@code {"gpt-4o-mini":{"input":0.15,"output":0.60},"gpt-4o*":{"input":2.5,"output":10}}},
 * prices per million input and output tokens. JSON (or HOCON); every error names the entry.
 */
final class PricesParser {
    private PricesParser() {}

    static Map<String, UsageSettings.Price> parse(String var, String raw) {
        if (raw == null || raw.isBlank()) return Map.of();
        Config parsed;
        try {
            parsed = ConfigFactory.parseString("{\"v\":" + raw + "\n}");
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(var + " must be a JSON object like {\"gpt-4o-mini\":{\"input\":0.15,\"output\":0.6}}"
                    + " (prices per million tokens), but it does not parse");
        }
        ConfigValue v = parsed.root().get("v");
        if (v == null || v.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigException(var + " must be a JSON object of model -> {\"input\":…,\"output\":…}");
        }
        Map<String, UsageSettings.Price> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
            String at = var + "[\"" + e.getKey() + "\"]";
            if (e.getValue().valueType() != ConfigValueType.OBJECT) {
                throw new ConfigException(at + " must be an object {\"input\":…,\"output\":…}");
            }
            ConfigObject price = (ConfigObject) e.getValue();
            for (String field : price.keySet()) {
                if (!field.equals("input") && !field.equals("output")) {
                    throw new ConfigException(at + " has an unknown field \"" + field + "\"; known: input, output");
                }
            }
            out.put(e.getKey(), new UsageSettings.Price(number(at + ".input", price.get("input")),
                    number(at + ".output", price.get("output"))));
        }
        return out;
    }

    private static double number(String at, ConfigValue v) {
        if (v == null) throw new ConfigException(at + " is missing (price per million tokens)");
        if (v.valueType() != ConfigValueType.NUMBER) throw new ConfigException(at + " must be a number");
        double d = ((Number) v.unwrapped()).doubleValue();
        if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new ConfigException(at + " must be 0 or more");
        return d;
    }
}
