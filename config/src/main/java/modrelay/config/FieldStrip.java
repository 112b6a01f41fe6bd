package modrelay.config;

import java.util.List;

/**
 * Top-level request fields an upstream rejects or ignores, taken out of a JSON body before it goes there.
 *
 * @param models the upstream model names it applies to: "*" for all, or a glob like "deepseek-reasoner*"
 * @param fields the top-level JSON member names removed
 */
public record FieldStrip(String models, List<String> fields) {
    public FieldStrip {
        fields = List.copyOf(fields);
    }

    public static FieldStrip all(String... fields) {
        return new FieldStrip("*", List.of(fields));
    }
}
