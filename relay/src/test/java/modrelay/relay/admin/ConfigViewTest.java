package modrelay.relay.admin;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import modrelay.config.Secret;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import org.junit.jupiter.api.Test;

/** GET /admin/config's view of the settings: everything shown, no secret value anywhere in it. */
class ConfigViewTest {
    static final List<String> SECRETS = List.of("sk-upstream-one-0123456789", "sk-upstream-two-0123456789",
            "pk-alice-0123456789abcdef", "pk-bob-0123456789abcdef", "admin-token-secret-0123456789", "metrics-token-secret-0123",
            "AKIDsecretid0123456789", "tencent-skey-0123456789", "db-password-0123", "sk-deepseek-0123456789");

    static Settings everySecretSet() {
        return SettingsLoader.load(Map.ofEntries(
                Map.entry("OPENAI_KEY", "sk-upstream-one-0123456789,sk-upstream-two-0123456789"),
                Map.entry("PROXY_KEY", "pk-alice-0123456789abcdef,pk-bob-0123456789abcdef"),
                Map.entry("ADMIN_TOKEN", "admin-token-secret-0123456789"),
                Map.entry("METRICS_TOKEN", "metrics-token-secret-0123"),
                Map.entry("TENCENT_CLOUD_SID", "AKIDsecretid0123456789"),
                Map.entry("TENCENT_CLOUD_SKEY", "tencent-skey-0123456789"),
                Map.entry("DATABASE_URL", "postgres://dbuser:db-password-0123@db.example:5432/modrelay?sslmode=require"),
                Map.entry("UPSTREAMS", "[{\"name\":\"deepseek\",\"url\":\"https://api.deepseek.com/v1\","
                        + "\"keys\":[\"sk-deepseek-0123456789\"],\"models\":[\"deepseek-*\"]},"
                        + "{\"name\":\"main\",\"url\":\"https://api.openai.com/v1\",\"models\":[\"*\"]}]")));
    }

    @Test
    void noSecretOfTheSettingsAppearsAndTheRestDoes() {
        String shown = ConfigView.of(everySecretSet()).toString();
        for (String secret : SECRETS) assertFalse(shown.contains(secret), "secret in the config view: " + secret + " in " + shown);
        // Not even a part that would tell most of it.
        for (String secret : SECRETS) assertFalse(shown.contains(secret.substring(0, 12)), secret + " in part: " + shown);
        assertTrue(shown.contains(ConfigView.REDACTED));
        JsonNode tree = ConfigView.of(everySecretSet());
        assertEquals("key-1", tree.at("/access/proxy_keys/0/name").asText(), "names of keys are not secret");
        assertEquals(ConfigView.REDACTED, tree.at("/access/proxy_keys/0/secret").asText());
        assertEquals(ConfigView.REDACTED, tree.at("/access/admin_token").asText());
        assertEquals(ConfigView.REDACTED, tree.at("/moderation/tencent/secret_key").asText());
        assertEquals("dbuser", tree.at("/access/store/database_url/user").asText());
        assertTrue(tree.at("/access/store/database_url/jdbc_url").asText().contains("db.example:5432/modrelay?sslmode=require"));
        assertEquals("deepseek", tree.at("/routing/upstreams/0/name").asText());
        assertEquals(ConfigView.REDACTED, tree.at("/routing/upstreams/0/keys/0").asText());
        assertEquals("https://api.deepseek.com/v1", tree.at("/routing/upstreams/0/api_root").asText());
        assertTrue(tree.at("/server/port").isNumber());
        assertTrue(tree.at("/observability/log_chat").isBoolean());
    }

    record Odd(Secret token, String note, String apiKey, Optional<String> password, List<String> plain) {}

    @Test
    void aSecretCopiedIntoPlainTextOrUnderASecretNameIsRedactedToo() {
        JsonNode v = ConfigView.of(new Odd(Secret.of("hunter2-very-secret"), "set to hunter2-very-secret by ops",
                "plain-api-key-value", Optional.of("pw-value"), List.of("fine", "also fine")));
        assertEquals(ConfigView.REDACTED, v.get("token").asText());
        assertEquals(ConfigView.REDACTED, v.get("note").asText(), "holds the secret's value");
        assertEquals(ConfigView.REDACTED, v.get("api_key").asText(), "named like a key");
        assertEquals(ConfigView.REDACTED, v.get("password").asText());
        assertEquals("[\"fine\",\"also fine\"]", v.get("plain").toString());
    }

    @Test
    void urlsLoseUserInfoAndSecretQueryValues() {
        assertEquals("https://[redacted]@host:8443/v1?api_key=[redacted]&x=1&sig=[redacted]",
                ConfigView.url("https://user:pass@host:8443/v1?api_key=abc&x=1&sig=zzz"));
        assertEquals("jdbc:postgresql://h:5432/db?sslmode=require&sslpassword=[redacted]",
                ConfigView.url("jdbc:postgresql://h:5432/db?sslmode=require&sslpassword=p"));
        assertEquals("https://api.openai.com", ConfigView.url("https://api.openai.com"));
        assertEquals("./logs", ConfigView.url("./logs"));
    }

    @Test
    void durationsAndNamesReadLikeTheConfigFile() {
        assertEquals("1500ms", ConfigView.duration(java.time.Duration.ofMillis(1500)));
        assertEquals("30s", ConfigView.duration(java.time.Duration.ofSeconds(30)));
        assertEquals("5m", ConfigView.duration(java.time.Duration.ofMinutes(5)));
        assertEquals("route_prefix", ConfigView.snake("routePrefix"));
        assertTrue(ConfigView.secretName("secret_id"));
        assertFalse(ConfigView.secretName("keywords_file"));
    }
}
