package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import modrelay.config.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSubKeyStoreTest extends SubKeyStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreSettings settings() {
        return TestDatabases.sqlite(dir.resolve("data"));
    }

    @Test
    void theFileIsCreatedOnFirstStartInWalMode() throws Exception {
        StoreSettings s = settings();
        assertFalse(Files.exists(s.dataDir()));
        open(s);
        assertTrue(Files.exists(s.sqliteFile()));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + s.sqliteFile());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            assertTrue(rs.next());
            assertEquals("wal", rs.getString(1).toLowerCase());
        }
    }
}
