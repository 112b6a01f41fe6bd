package modrelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where sub-keys and their usage are kept.
 *
 * @param dataDir         DATA_DIR: the embedded SQLite file lives here (used when no DATABASE_URL is set)
 * @param databaseUrl     DATABASE_URL: a PostgreSQL server shared by several relay instances
 * @param poolSize        DATABASE_POOL_SIZE: connections (and store threads) for PostgreSQL; SQLite uses one
 * @param refreshInterval SUBKEY_REFRESH: how often sub-keys are re-read from the database (changes made
 *                        through another instance); zero means only on POST /admin/reload
 */
public record StoreSettings(Path dataDir, Optional<DatabaseUrl> databaseUrl, int poolSize, Duration refreshInterval) {

    public static StoreSettings defaults() {
        return new StoreSettings(Path.of("./data"), Optional.empty(), 8, Duration.ofSeconds(30));
    }

    /** The SQLite file used when no DATABASE_URL is set. */
    public Path sqliteFile() {
        return dataDir.resolve("modrelay.db");
    }
}
