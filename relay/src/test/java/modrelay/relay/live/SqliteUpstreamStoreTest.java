package modrelay.relay.live;

import java.nio.file.Path;
import modrelay.config.StoreSettings;
import modrelay.relay.access.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

class SqliteUpstreamStoreTest extends UpstreamStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreSettings settings() {
        return TestDatabases.sqlite(dir.resolve("data"));
    }
}
