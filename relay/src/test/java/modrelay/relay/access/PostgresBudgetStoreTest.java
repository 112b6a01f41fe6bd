package modrelay.relay.access;

import modrelay.config.StoreSettings;

/** The budget contract against a real PostgreSQL server (MODRELAY_TEST_DATABASE_URL). */
class PostgresBudgetStoreTest extends BudgetStoreContract {
    private StoreSettings settings;

    @Override
    StoreSettings settings() {
        if (settings == null) settings = TestDatabases.postgres();
        return settings;
    }
}
