package modrelay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one setting: the environment variable when set, else the HOCON path. Every parse error
 * becomes a {@link ConfigException} naming the variable, the value and what is allowed, because a
 * user moving a {@code docker run} line over needs to know which of their variables is wrong.
 */
final class SettingSource {
    private final Config config;
    private final Map<String, String> env;

    SettingSource(Config config, Map<String, String> env) {
        this.config = config;
        this.env = env;
    }

    /** The raw value, env first. Blank env values count as unset, as in most shells' `-e X=`. */
    String string(String envName, String path) {
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.trim();
        return config.getString(path).trim();
    }

    boolean isSet(String envName) {
        String v = env.get(envName);
        return v != null && !v.isBlank();
    }

    Optional<String> optional(String envName, String path) {
        String v = string(envName, path);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    int intInRange(String envName, String path, int min, int max) {
        String raw = string(envName, path);
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        throw new ConfigException(envName + " must be " + min + "-" + max + ", got \"" + raw + "\"");
    }

    /** true/false, also yes/no, on/off, 1/0 (any case). */
    boolean bool(String envName, String path) {
        String raw = string(envName, path);
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(envName + " must be true or false, got \"" + raw + "\"");
        };
    }

    /** A plain number is milliseconds (TIMEOUT=30000, as before); HOCON durations ("60s", "2m") work too. */
    Duration duration(String envName, String path, Duration min) {
        String raw = string(envName, path);
        Duration d;
        try {
            d = raw.matches("\\d+") ? Duration.ofMillis(Long.parseLong(raw)) : parseHocon(raw).getDuration("v");
        } catch (RuntimeException e) {
            throw new ConfigException(envName + " must be a duration in milliseconds or like \"60s\", got \"" + raw + "\"");
        }
        if (d.compareTo(min) < 0) {
            throw new ConfigException(envName + " must be at least " + min.toMillis() + "ms, got \"" + raw + "\"");
        }
        return d;
    }

    /** Bytes, or sizes like "64m", "1g". */
    long bytes(String envName, String path, long min) {
        String raw = string(envName, path);
        long v;
        try {
            v = raw.matches("\\d+") ? Long.parseLong(raw) : parseHocon(raw).getBytes("v");
        } catch (RuntimeException e) {
            throw new ConfigException(envName + " must be a size in bytes or like \"64m\", got \"" + raw + "\"");
        }
        if (v < min) throw new ConfigException(envName + " must be at least " + min + " bytes, got \"" + raw + "\"");
        return v;
    }

    String oneOf(String envName, String path, List<String> allowed) {
        String raw = string(envName, path);
        String v = raw.toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new ConfigException(envName + " must be one of " + String.join("|", allowed) + ", got \"" + raw + "\"");
        }
        return v;
    }

    /** Comma- or whitespace-separated list; empty items dropped. */
    List<String> list(String envName, String path) {
        String raw = string(envName, path);
        if (raw.isEmpty()) return List.of();
        return Arrays.stream(raw.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Config parseHocon(String raw) {
        try {
            return ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(raw));
        } catch (BadValue e) {
            throw new IllegalArgumentException(e);
        }
    }
}
