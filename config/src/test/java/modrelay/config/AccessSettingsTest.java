package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessSettingsTest {

    private static AccessSettings load(Map<String, String> env) {
        return SettingsLoader.load(env).access();
    }

    private static String error(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> SettingsLoader.load(env)).getMessage();
    }

    @Test
    void defaultsKeepTheRelayOpenWithSubKeysInDataDir() {
        AccessSettings a = load(Map.of());
        assertFalse(a.requiresKey());
        assertEquals(List.of(), a.ipWhitelist());
        assertEquals(Optional.empty(), a.adminToken());
        assertEquals(Path.of("./data"), a.store().dataDir());
        assertEquals(Path.of("./data/modrelay.db"), a.store().sqliteFile());
        assertEquals(Optional.empty(), a.store().databaseUrl());
        assertEquals(Duration.ofSeconds(30), a.store().refreshInterval());
    }

    @Test
    void ipListsTakeCommasAndSpaces() {
        AccessSettings a = load(Map.of("IP_WHITELIST", "10.0.0.0/8, 192.168.1.7 2001:db8::/32",
                "IP_BLACKLIST", "10.9.0.0/16", "TRUSTED_PROXIES", "127.0.0.1/32,::1"));
        assertEquals(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32"), a.ipWhitelist());
        assertEquals(List.of("10.9.0.0/16"), a.ipBlacklist());
        assertEquals(List.of("127.0.0.1/32", "::1"), a.trustedProxies());
    }

    @Test
    void anAdminTokenOrASharedDatabaseClosesTheRelay() {
        assertTrue(load(Map.of("ADMIN_TOKEN", "admin-token-0123456789")).requiresKey());
        assertTrue(load(Map.of("DATABASE_URL", "postgres://u:p@db:5432/relay")).requiresKey());
        assertEquals("ADMIN_TOKEN must be at least 16 characters, got 5", error(Map.of("ADMIN_TOKEN", "short")));
    }

    @Test
    void postgresUrlsOfBothFormsBecomeJdbcWithCredentialsApart() {
        DatabaseUrl heroku = load(Map.of("DATABASE_URL", "postgres://relay:p%40ss+w0rd@db.example:6543/keys?sslmode=require"))
                .store().databaseUrl().orElseThrow();
        assertEquals("jdbc:postgresql://db.example:6543/keys?sslmode=require", heroku.jdbcUrl());
        assertEquals(Optional.of("relay"), heroku.user());
        assertTrue(heroku.password().orElseThrow().matches("p@ss+w0rd"));

        DatabaseUrl noPort = DatabaseUrl.parse("DATABASE_URL", "postgresql://relay@10.0.0.5/keys");
        assertEquals("jdbc:postgresql://10.0.0.5/keys", noPort.jdbcUrl());
        assertEquals(Optional.empty(), noPort.password());

        DatabaseUrl jdbc = DatabaseUrl.parse("DATABASE_URL",
                "jdbc:postgresql://127.0.0.1:5432/db?user=me&password=s%26cret&currentSchema=relay");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/db?currentSchema=relay", jdbc.jdbcUrl());
        assertEquals(Optional.of("me"), jdbc.user());
        assertTrue(jdbc.password().orElseThrow().matches("s&cret"));
    }

    @Test
    void badDatabaseUrlNamesTheVariableButNotThePassword() {
        String msg = error(Map.of("DATABASE_URL", "mysql://root:hunter2-secret@db/x"));
        assertTrue(msg.startsWith("DATABASE_URL must look like postgres://"), msg);
        assertTrue(msg.contains("\"mysql://\""), msg);
        assertFalse(msg.contains("hunter2"), msg);
        assertTrue(error(Map.of("DATABASE_URL", "postgres://u:hunter2-secret@/x")).startsWith("DATABASE_URL must"));
        assertFalse(error(Map.of("DATABASE_URL", "postgres://u:hunter2-secret@h")).contains("hunter2"));
    }

    @Test
    void refreshZeroMeansOnlyOnReloadAndPoolSizeIsBounded() {
        assertEquals(Duration.ZERO, load(Map.of("SUBKEY_REFRESH", "0")).store().refreshInterval());
        assertEquals("DATABASE_POOL_SIZE must be 1-256, got \"0\"", error(Map.of("DATABASE_POOL_SIZE", "0")));
    }

    @Test
    void secretsOfTheAccessSettingsNeverShowInToString() {
        Settings s = SettingsLoader.load(Map.of("ADMIN_TOKEN", "admin-secret-token-4242",
                "DATABASE_URL", "postgres://relay:db-password-777@db:5432/keys"));
        String all = s.toString();
        assertFalse(all.contains("admin-secret-token-4242"), all);
        assertFalse(all.contains("db-password-777"), all);
        assertTrue(all.contains("jdbc:postgresql://db:5432/keys"), all);
    }
}
