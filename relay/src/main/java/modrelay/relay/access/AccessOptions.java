package modrelay.relay.access;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.util.function.Supplier;
import modrelay.config.AccessSettings;
import modrelay.config.SettingsLoader;

/**
 * What access control takes from its surroundings: the clock (expiry, rate limits) and where
 * POST /admin/reload reads the IP rules from.
 */
public record AccessOptions(Clock clock, Supplier<AccessSettings> reload) {

    /** The system clock; reload re-reads application.conf (-Dconfig.file) and the process environment. */
    public static AccessOptions fromProcess() {
        return new AccessOptions(Clock.systemUTC(), () -> {
            ConfigFactory.invalidateCaches();
            return SettingsLoader.loadAccess(ConfigFactory.load(), System.getenv());
        });
    }
}
