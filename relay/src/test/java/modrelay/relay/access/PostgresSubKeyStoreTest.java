package modrelay.relay.access;

import modrelay.config.StoreSettings;

/** The store contract against a real PostgreSQL server (MODRELAY_TEST_DATABASE_URL). */
class PostgresSubKeyStoreTest extends SubKeyStoreContract {
    private StoreSettings settings;

    @Override
    StoreSettings settings() {
        if (settings == null) settings = TestDatabases.postgres();
        return settings;
    }
}
