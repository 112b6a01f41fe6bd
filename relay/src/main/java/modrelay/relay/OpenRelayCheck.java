package modrelay.relay;

import java.util.List;
import modrelay.config.AccessSettings;
import modrelay.config.ConfigException;
import modrelay.config.Settings;

/**
 * Safe by default: a relay that holds the operator's upstream keys (OPENAI_KEY, or UPSTREAMS with
 * keys) and asks clients for no key (no PROXY_KEY, no sub-keys) lets anyone who reaches the port
 * spend those keys. It refuses to start unless ALLOW_OPEN_RELAY=true says that is meant. Pure: the
 * caller logs and schedules.
 */
final class OpenRelayCheck {
    /** Proxy keys shorter than this are guessable enough to warn about (they keep working). */
    static final int MIN_PROXY_KEY_LENGTH = 16;

    static final String REFUSAL = "refusing to start an open relay: server-side upstream keys are set (OPENAI_KEY or UPSTREAMS keys) "
            + "but clients need no key; set PROXY_KEY to a long random key (e.g. `openssl rand -hex 24`) or ADMIN_TOKEN for "
            + "sub-keys, or ALLOW_OPEN_RELAY=true to run it open on purpose";

    static final String OPEN_WARNING = "ALLOW_OPEN_RELAY=true: this relay spends its server-side upstream keys for anyone who "
            + "reaches its port (no PROXY_KEY, no sub-keys)";

    private OpenRelayCheck() {}

    /** Whether anyone who reaches the port spends the relay's own upstream keys. */
    static boolean open(Settings s) {
        return s.routing().hasServerKeys() && !s.access().requiresKey();
    }

    /** @throws ConfigException with {@link #REFUSAL} when the relay would be open and that is not allowed */
    static void refuseUnlessAllowed(Settings s) {
        if (open(s) && !s.safety().allowOpenRelay()) throw new ConfigException(REFUSAL);
    }

    /** The names ("key-1", …) of the proxy keys shorter than {@link #MIN_PROXY_KEY_LENGTH}; never the keys. */
    static List<String> shortProxyKeys(AccessSettings access) {
        return access.proxyKeys().stream()
                .filter(k -> k.secret().reveal().length() < MIN_PROXY_KEY_LENGTH)
                .map(AccessSettings.ProxyKey::name)
                .toList();
    }
}
