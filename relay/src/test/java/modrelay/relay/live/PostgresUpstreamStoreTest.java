package modrelay.relay.live;

import modrelay.config.StoreSettings;
import modrelay.relay.access.TestDatabases;

/** The upstream store contract against a real PostgreSQL server (MODRELAY_TEST_DATABASE_URL). */
class PostgresUpstreamStoreTest extends UpstreamStoreContract {
    private StoreSettings settings;

    @Override
    StoreSettings settings() {
        if (settings == null) settings = TestDatabases.postgres();
        return settings;
    }
}
