package modrelay.config;

import java.util.List;

/** Who may use the relay. An empty {@code proxyKeys} list means the relay is open (no proxy key asked). */
public record AccessSettings(List<ProxyKey> proxyKeys) {

    /** A proxy key and the name it goes by in logs ("key-1" unless given as name=key). */
    public record ProxyKey(String name, Secret secret) {}

    public boolean requiresKey() {
        return !proxyKeys.isEmpty();
    }
}
