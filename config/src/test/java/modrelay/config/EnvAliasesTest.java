package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvAliasesTest {

    /** chatgpt_reverse_proxy's documented variables, as its Tencent SCF package sets them. */
    private static final Map<String, String> SEED_000 = Map.of(
            "OXY_TARGET", "https://api.openai.com",
            "OXY_PORT", "9000",
            "OXY_HOP_HEADER_PREFIX", "X-SCF");

    @Test
    void chatgptReverseProxyVariablesAreReadAsTheirNewNames() {
        Map<String, String> env = new HashMap<>(SEED_000);
        env.put("OXY_TARGET", "http://127.0.0.1:8081/v1/");
        env.put("OXY_PORT", "8123");
        Settings s = SettingsLoader.load(env);
        assertEquals(URI.create("http://127.0.0.1:8081"), s.upstream().baseUrl());
        assertEquals(8123, s.server().port());
        assertEquals("x-scf", s.server().hopHeaderPrefix());
        assertEquals(List.of(new EnvAliases.Use("OXY_TARGET", "UPSTREAM_URL"), new EnvAliases.Use("OXY_PORT", "PORT"),
                new EnvAliases.Use("OXY_HOP_HEADER_PREFIX", "HOP_HEADER_PREFIX")), EnvAliases.used(env));
    }

    @Test
    void theNewNameWinsWhenBothAreSet() {
        Map<String, String> env = new HashMap<>(SEED_000);
        env.put("UPSTREAM_URL", "https://new.example");
        env.put("PORT", "7000");
        env.put("HOP_HEADER_PREFIX", "x-fc-");
        env.put("FORWARD_KEY", "fk-old-key-0123456789");
        env.put("PROXY_KEY", "new-key-0123456789");
        Settings s = SettingsLoader.load(env);
        assertEquals(URI.create("https://new.example"), s.upstream().baseUrl());
        assertEquals(7000, s.server().port());
        assertEquals("x-fc-", s.server().hopHeaderPrefix());
        assertEquals(1, s.access().proxyKeys().size());
        assertTrue(s.access().proxyKeys().get(0).secret().matches("new-key-0123456789"));
        assertFalse(s.access().proxyKeys().get(0).secret().matches("fk-old-key-0123456789"));
        assertEquals(List.of(), EnvAliases.used(env));
        assertTrue(EnvAliases.ignored(env).contains("FORWARD_KEY (PROXY_KEY is set and wins)"), EnvAliases.ignored(env).toString());
    }

    @Test
    void blankNewNameCountsAsUnsetAsEverywhereElse() {
        Settings s = SettingsLoader.load(Map.of("OXY_PORT", "8124", "PORT", " "));
        assertEquals(8124, s.server().port());
    }

    @Test
    void forwardKeyIsAProxyKeyAlsoOnReload() {
        Map<String, String> env = Map.of("FORWARD_KEY", "fk-xxx1,fk-xxx2");
        Settings s = SettingsLoader.load(env);
        assertEquals(2, s.access().proxyKeys().size());
        assertTrue(s.access().proxyKeys().get(1).secret().matches("fk-xxx2"));
        AccessSettings reloaded = SettingsLoader.loadAccess(com.typesafe.config.ConfigFactory.load(), env);
        assertEquals(2, reloaded.proxyKeys().size());
    }

    @Test
    void openAiApiKeyIsNotReadWithoutItsSwitch() {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-from-the-shell", "FORWARD_KEY", "fk-xxx1");
        Settings s = SettingsLoader.load(env);
        assertFalse(s.upstream().hasServerKeys());
        assertEquals(List.of(new EnvAliases.Use("FORWARD_KEY", "PROXY_KEY")), EnvAliases.used(env));
        assertEquals(List.of("OPENAI_API_KEY (set READ_OPENAI_API_KEY=true to use it as OPENAI_KEY)"), EnvAliases.ignored(env));
        assertFalse(SettingsLoader.load(Map.of("OPENAI_API_KEY", "sk-x", "READ_OPENAI_API_KEY", "false")).upstream().hasServerKeys());
    }

    @Test
    void openAiApiKeyBehindItsSwitchIsTheServerKeysAndOpenAiKeyWins() {
        Settings s = SettingsLoader.load(Map.of("OPENAI_API_KEY", "sk-one, sk-two", "READ_OPENAI_API_KEY", "true"));
        assertEquals(2, s.upstream().keys().size());
        assertEquals("sk-two", s.upstream().keys().get(1).reveal());

        Map<String, String> both = Map.of("OPENAI_API_KEY", "sk-shell", "READ_OPENAI_API_KEY", "yes", "OPENAI_KEY", "sk-relay");
        Settings w = SettingsLoader.load(both);
        assertEquals(1, w.upstream().keys().size());
        assertEquals("sk-relay", w.upstream().keys().get(0).reveal());
        assertEquals(List.of("OPENAI_API_KEY (OPENAI_KEY is set and wins)"), EnvAliases.ignored(both));
    }

    @Test
    void theSwitchItselfIsValidated() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SettingsLoader.load(Map.of("OPENAI_API_KEY", "sk-x", "READ_OPENAI_API_KEY", "maybe")));
        assertEquals("READ_OPENAI_API_KEY must be true or false, got \"maybe\"", e.getMessage());
    }

    @Test
    void anErrorNamesTheVariableTheUserWrote() {
        ConfigException port = assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("OXY_PORT", "http")));
        assertEquals("OXY_PORT (read as PORT) must be 1-65535, got \"http\"", port.getMessage());
        ConfigException url = assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("OXY_TARGET", "api.openai.com")));
        assertTrue(url.getMessage().startsWith("OXY_TARGET (read as UPSTREAM_URL) must be an http:// or https:// URL"), url.getMessage());
        ConfigException key = assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("FORWARD_KEY", "a:b")));
        assertTrue(key.getMessage().startsWith("FORWARD_KEY (read as PROXY_KEY) must not contain ':'"), key.getMessage());
        // Set under its own name, the error keeps that name.
        assertEquals("PORT must be 1-65535, got \"0\"",
                assertThrows(ConfigException.class, () -> SettingsLoader.load(Map.of("PORT", "0"))).getMessage());
    }

    @Test
    void seedSettingsWithoutCounterpartAreNamedNotValued() {
        Map<String, String> env = Map.of("OXY_AUTH_TYPE", "forward", "OXY_API_KEY", "sk-secret-value");
        List<String> ignored = EnvAliases.ignored(env);
        assertTrue(ignored.contains("OXY_AUTH_TYPE (no counterpart here)"), ignored.toString());
        assertFalse(ignored.toString().contains("sk-secret-value"));
    }

    @Test
    void theCallersEnvironmentIsNotChanged() {
        Map<String, String> env = new HashMap<>(Map.of("OXY_PORT", "8125"));
        EnvAliases.apply(env);
        assertEquals(Map.of("OXY_PORT", "8125"), env);
    }
}
