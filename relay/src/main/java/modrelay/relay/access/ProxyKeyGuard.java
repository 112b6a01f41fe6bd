package modrelay.relay.access;

import java.util.Optional;
import modrelay.config.AccessSettings;
import modrelay.config.AccessSettings.ProxyKey;

/**
 * Decides whether a presented proxy key is one of the configured ones. Every configured key is
 * compared, in constant time each, whatever matched earlier: the time taken says nothing about
 * which key, or how much of it, was right.
 */
public final class ProxyKeyGuard {
    private final AccessSettings settings;

    public ProxyKeyGuard(AccessSettings settings) {
        this.settings = settings;
    }

    public boolean requiresKey() {
        return settings.requiresKey();
    }

    /** The name of the matching key ("key-1"), "open" when no key is required, empty when refused. */
    public Optional<String> admit(Optional<String> presented) {
        if (!settings.requiresKey()) return Optional.of("open");
        String candidate = presented.orElse("");
        ProxyKey match = null;
        for (ProxyKey key : settings.proxyKeys()) {
            if (key.secret().matches(candidate) && match == null) match = key;
        }
        return match == null || candidate.isEmpty() ? Optional.empty() : Optional.of(match.name());
    }
}
