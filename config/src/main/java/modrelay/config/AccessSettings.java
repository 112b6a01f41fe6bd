package modrelay.config;

import java.util.List;
import java.util.Optional;

/**
 * Who may use the relay.
 *
 * @param proxyKeys      PROXY_KEY; with no proxy key, no ADMIN_TOKEN and no DATABASE_URL the relay is open
 * @param ipWhitelist    IP_WHITELIST: addresses and CIDR ranges; when not empty, only these clients get in
 * @param ipBlacklist    IP_BLACKLIST: addresses and CIDR ranges that never get in (wins over the whitelist)
 * @param trustedProxies TRUSTED_PROXIES: CIDR ranges whose X-Forwarded-For is believed
 * @param adminToken     ADMIN_TOKEN: the bearer token of /admin; unset means no /admin at all
 * @param store          where sub-keys live
 */
public record AccessSettings(
        List<ProxyKey> proxyKeys,
        List<String> ipWhitelist,
        List<String> ipBlacklist,
        List<String> trustedProxies,
        Optional<Secret> adminToken,
        StoreSettings store) {

    /** A proxy key and the name it goes by in logs ("key-1" unless given as name=key). */
    public record ProxyKey(String name, Secret secret) {}

    /** Only proxy keys, no IP rules, no admin API, sub-keys in ./data (for tests and embedding). */
    public AccessSettings(List<ProxyKey> proxyKeys) {
        this(proxyKeys, List.of(), List.of(), List.of(), Optional.empty(), StoreSettings.defaults());
    }

    /**
     * Whether a client must present a key: a proxy key or a sub-key. Sub-keys exist once an admin
     * token or a shared database is configured, and a relay that hands out keys must not stay open.
     */
    public boolean requiresKey() {
        return !proxyKeys.isEmpty() || adminToken.isPresent() || store.databaseUrl().isPresent();
    }
}
