package modrelay.relay.access;

import java.nio.file.Path;
import modrelay.config.StoreSettings;
import org.junit.jupiter.api.io.TempDir;

class SqliteBudgetStoreTest extends BudgetStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreSettings settings() {
        return TestDatabases.sqlite(dir);
    }
}
