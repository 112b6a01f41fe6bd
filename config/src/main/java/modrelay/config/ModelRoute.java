package modrelay.config;

import java.util.Optional;

/**
 * One entry of an upstream's {@code models}: a model name or glob the upstream serves ({@code "o3-mini"},
 * {@code "gpt-4o*"}, {@code "*"}), and optionally the name it goes by upstream (another model name,
 * or for Azure the deployment name).
 *
 * @param pattern      what clients ask for; {@code *} matches any run of characters, {@code ?} one character
 * @param upstreamName the model (or deployment) name sent upstream instead; empty means the client's name
 */
public record ModelRoute(String pattern, Optional<String> upstreamName) {

    public static ModelRoute of(String pattern) {
        return new ModelRoute(pattern, Optional.empty());
    }

    public boolean isGlob() {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }
}
