package modrelay.relay.access;

import java.util.Optional;
import modrelay.config.AccessSettings;
import modrelay.config.AccessSettings.ProxyKey;
import modrelay.relay.errors.OpenAiError;

/**
 * Decides whether a presented proxy key is one of the configured ones. Every configured key is
 * compared, in constant time each, whatever matched earlier: the time taken says nothing about
 * which key, or how much of it, was right. With sub-keys, a key that is no proxy key is looked up
 * by its SHA-256 among them ({@link #admission}).
 */
public final class ProxyKeyGuard {
    private final AccessSettings settings;
    private final Optional<SubKeys> subKeys;

    public ProxyKeyGuard(AccessSettings settings) {
        this(settings, Optional.empty());
    }

    public ProxyKeyGuard(AccessSettings settings, Optional<SubKeys> subKeys) {
        this.settings = settings;
        this.subKeys = subKeys;
    }

    /** A relay with sub-keys never stays open, PROXY_KEY or not. */
    public boolean requiresKey() {
        return settings.requiresKey() || subKeys.isPresent();
    }

    /** The name of the matching key ("key-1"), "open" when no key is required, empty when refused. */
    public Optional<String> admit(Optional<String> presented) {
        if (!requiresKey()) return Optional.of("open");
        String candidate = presented.orElse("");
        ProxyKey match = null;
        for (ProxyKey key : settings.proxyKeys()) {
            if (key.secret().matches(candidate) && match == null) match = key;
        }
        return match == null || candidate.isEmpty() ? Optional.empty() : Optional.of(match.name());
    }

    /** A proxy key, else a sub-key that is neither revoked nor expired, else refused (401). */
    public Admission admission(Optional<String> presented) {
        Optional<String> proxy = admit(presented);
        if (proxy.isPresent()) return new Admission.ProxyKey(proxy.get());
        if (subKeys.isPresent() && presented.isPresent()) {
            Optional<SubKey> found = subKeys.get().find(presented.get());
            if (found.isPresent()) {
                SubKey key = found.get();
                if (key.revokedAt().isPresent()) return new Admission.Refused(AccessErrors.revoked(key));
                if (key.expired(subKeys.get().clock().instant())) return new Admission.Refused(AccessErrors.expired(key));
                return new Admission.Sub(key, subKeys.get());
            }
        }
        return new Admission.Refused(OpenAiError.badProxyKey());
    }
}
