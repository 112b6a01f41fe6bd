package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import modrelay.config.DatabaseUrl;
import modrelay.config.StoreSettings;

/**
 * Where store tests keep their keys: a temporary SQLite file, or a fresh schema of the PostgreSQL
 * server named by MODRELAY_TEST_DATABASE_URL (started by .ci/run). Without that variable the
 * PostgreSQL tests are skipped, except on CI (CI=true), where they fail.
 */
public final class TestDatabases {
    public static final String VARIABLE = "MODRELAY_TEST_DATABASE_URL";

    private TestDatabases() {}

    public static StoreSettings sqlite(Path dir) {
        return new StoreSettings(dir, Optional.empty(), 1, Duration.ZERO);
    }

    /** A new, empty schema on the test server; skips (or on CI fails) when there is no server. */
    public static StoreSettings postgres() {
        String raw = System.getenv(VARIABLE);
        if (raw == null || raw.isBlank()) {
            String why = VARIABLE + " is unset: the PostgreSQL tests need a server (run the PostgreSQL section of .ci/run)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why);
            assumeTrue(false, why + "; skipped");
        }
        DatabaseUrl base = DatabaseUrl.parse(VARIABLE, raw);
        String schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(base.jdbcUrl(), base.user().orElse(null),
                base.password().map(p -> p.reveal()).orElse(null));
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach the test PostgreSQL at " + base.jdbcUrl() + ": " + e.getMessage(), e);
        }
        String url = base.jdbcUrl() + (base.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new StoreSettings(Path.of("unused"), Optional.of(new DatabaseUrl(url, base.user(), base.password())), 8,
                Duration.ZERO);
    }
}
