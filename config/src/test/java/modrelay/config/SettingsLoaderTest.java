package modrelay.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsLoaderTest {

    private static Settings load(Map<String, String> env) {
        return SettingsLoader.load(env);
    }

    private static String error(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> load(env)).getMessage();
    }

    @Test
    void defaultsMatchTheRelayUsersComeFrom() {
        Settings s = load(Map.of());
        assertEquals(9000, s.server().port());
        assertEquals(Duration.ofMillis(30000), s.upstream().firstByteTimeout());
        assertEquals(URI.create("https://api.openai.com"), s.upstream().baseUrl());
        assertFalse(s.access().requiresKey());
        assertFalse(s.upstream().hasServerKeys());
        assertEquals("off", s.moderation().defaultLevel());
        assertEquals("closed", s.moderation().failMode());
        assertEquals("这个话题不适合讨论，换个话题吧。", s.moderation().blockMessage());
        assertEquals("", s.server().routePrefix());
    }

    @Test
    void environmentNamesOfExistingDockerRunLinesWork() {
        Settings s = load(Map.of(
                "PORT", "8080",
                "PROXY_KEY", "alpha, beta",
                "TIMEOUT", "1500",
                "OPENAI_KEY", "sk-one,sk-two",
                "ROUTE_PREFIX", "openai/",
                "HOP_HEADER_PREFIX", "X-FC-",
                "IDLE_TIMEOUT", "45s",
                "MAX_REQUEST_BYTES", "1m"));
        assertEquals(8080, s.server().port());
        assertEquals(2, s.access().proxyKeys().size());
        assertTrue(s.access().proxyKeys().get(1).secret().matches("beta"));
        assertEquals("key-2", s.access().proxyKeys().get(1).name());
        assertEquals(Duration.ofMillis(1500), s.upstream().firstByteTimeout());
        assertEquals(2, s.upstream().keys().size());
        assertEquals("/openai", s.server().routePrefix());
        assertEquals("x-fc-", s.server().hopHeaderPrefix());
        assertEquals(Duration.ofSeconds(45), s.upstream().idleTimeout());
        assertEquals(1024 * 1024, s.server().maxRequestBytes());
    }

    @Test
    void moderationContextWindowDefaultsTo100AndIsBounded() {
        assertEquals(100, load(Map.of()).moderation().contextChars());
        assertEquals(0, load(Map.of("MODERATION_CONTEXT_CHARS", "0")).moderation().contextChars());
        assertEquals(250, load(Map.of("MODERATION_CONTEXT_CHARS", "250")).moderation().contextChars());
        assertTrue(error(Map.of("MODERATION_CONTEXT_CHARS", "-1")).startsWith("MODERATION_CONTEXT_CHARS must be 0-2000"));
        assertTrue(error(Map.of("MODERATION_CONTEXT_CHARS", "lots")).startsWith("MODERATION_CONTEXT_CHARS must be 0-2000"));
    }

    @Test
    void upstreamHttp2IsOffByDefaultAndTakesStreamsOrAll() {
        assertEquals(UpstreamSettings.Http2Use.OFF, load(Map.of()).upstream().http2());
        assertEquals(100, load(Map.of()).upstream().http2Streams());
        assertEquals(UpstreamSettings.Http2Use.STREAMS, load(Map.of("UPSTREAM_HTTP2", "Streams")).upstream().http2());
        assertEquals(UpstreamSettings.Http2Use.ALL, load(Map.of("UPSTREAM_HTTP2", "true")).upstream().http2());
        assertEquals(UpstreamSettings.Http2Use.ALL, load(Map.of("UPSTREAM_HTTP2", "all")).upstream().http2());
        assertEquals(UpstreamSettings.Http2Use.OFF, load(Map.of("UPSTREAM_HTTP2", "off")).upstream().http2());
        assertEquals("UPSTREAM_HTTP2 must be false, streams or true, got \"h2\"", error(Map.of("UPSTREAM_HTTP2", "h2")));
        assertEquals(8, load(Map.of("UPSTREAM_HTTP2_STREAMS", "8")).upstream().http2Streams());
        assertEquals("UPSTREAM_HTTP2_STREAMS must be 1-10000, got \"0\"", error(Map.of("UPSTREAM_HTTP2_STREAMS", "0")));
    }

    @Test
    void badPortNamesVariableValueAndRange() {
        assertEquals("PORT must be 1-65535, got \"abc\"", error(Map.of("PORT", "abc")));
        assertEquals("PORT must be 1-65535, got \"70000\"", error(Map.of("PORT", "70000")));
    }

    @Test
    void badValuesAreOneLineNamingTheVariable() {
        assertEquals("TIMEOUT must be a duration in milliseconds or like \"60s\", got \"soon\"",
                error(Map.of("TIMEOUT", "soon")));
        assertEquals("MODERATION_DEFAULT must be one of off|low|high, got \"medium\"",
                error(Map.of("MODERATION_DEFAULT", "medium")));
        assertTrue(error(Map.of("UPSTREAM_URL", "ftp://x")).startsWith("UPSTREAM_URL must be an http:// or https:// URL"));
        assertTrue(error(Map.of("MAX_REQUEST_BYTES", "lots")).startsWith("MAX_REQUEST_BYTES must be a size"));
        assertTrue(error(Map.of("ROUTE_PREFIX", "/a b")).startsWith("ROUTE_PREFIX must be a path"));
    }

    @Test
    void upstreamUrlAliasAndNormalisation() {
        assertEquals(URI.create("http://127.0.0.1:8081"),
                load(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:8081/v1/")).upstream().baseUrl());
        assertEquals(URI.create("https://example.com/proxy"),
                load(Map.of("UPSTREAM_URL", "https://example.com/proxy/", "OPENAI_BASE_URL", "http://ignored")).upstream().baseUrl());
    }

    @Test
    void moderationPolicyWithoutModeratorIsAStartUpError() {
        String msg = error(Map.of("MODERATION_MIN", "low"));
        assertTrue(msg.contains("need a moderator"), msg);
        assertTrue(msg.contains("TENCENT_CLOUD_SID"), msg);
        assertEquals("high", load(Map.of("MODERATION_DEFAULT", "HIGH", "MODERATION_KEYWORDS_FILE", "/tmp/k.txt"))
                .moderation().defaultLevel());
    }

    @Test
    void tencentEndpointMayPointAtAPlainHttpTestServer() {
        TencentSettings t = load(Map.of(
                "TENCENT_CLOUD_SID", "AKIDexample", "TENCENT_CLOUD_SKEY", "secretexample",
                "TENCENT_CLOUD_ENDPOINT", "http://127.0.0.1:9302")).moderation().tencent().orElseThrow();
        assertEquals("http://", t.protocol());
        assertEquals("127.0.0.1:9302", t.endpoint());
        assertEquals("ap-singapore", t.region());
        assertEquals("tms.tencentcloudapi.com", load(Map.of("TENCENT_CLOUD_SID", "a", "TENCENT_CLOUD_SKEY", "b"))
                .moderation().tencent().orElseThrow().endpoint());
        assertEquals("TENCENT_CLOUD_SKEY must be set when TENCENT_CLOUD_SID is set",
                error(Map.of("TENCENT_CLOUD_SID", "a")));
    }

    @Test
    void tmsCapacityHasTheAccountDefaultsAndCanBeChanged() {
        TencentSettings defaults = load(Map.of("TENCENT_CLOUD_SID", "a", "TENCENT_CLOUD_SKEY", "b")).moderation().tencent().orElseThrow();
        assertEquals(1000, defaults.callsPerSecond());
        assertEquals(4, defaults.maxCallsPerRequest());
        assertEquals(512, defaults.maxConcurrency());
        TencentSettings set = load(Map.of("TENCENT_CLOUD_SID", "a", "TENCENT_CLOUD_SKEY", "b", "TENCENT_CLOUD_QPS", "20",
                "MODERATION_MAX_CALLS_PER_REQUEST", "2")).moderation().tencent().orElseThrow();
        assertEquals(20, set.callsPerSecond());
        assertEquals(2, set.maxCallsPerRequest());
        String msg = error(Map.of("TENCENT_CLOUD_SID", "a", "TENCENT_CLOUD_SKEY", "b", "TENCENT_CLOUD_QPS", "0"));
        assertTrue(msg.contains("TENCENT_CLOUD_QPS"), msg);
    }

    @Test
    void secretsNeverShowInToString() {
        Settings s = load(Map.of("PROXY_KEY", "proxy-secret-value-123", "OPENAI_KEY", "sk-upstream-secret-9876",
                "TENCENT_CLOUD_SID", "AKIDsecretid000", "TENCENT_CLOUD_SKEY", "tencent-secret-key-42"));
        String all = s.toString();
        for (String secret : new String[] {"proxy-secret-value-123", "sk-upstream-secret-9876", "AKIDsecretid000",
                "tencent-secret-key-42"}) {
            assertFalse(all.contains(secret), "leaked " + secret.length() + "-char secret in toString");
        }
    }

    @Test
    void proxyKeyCompareIsExactAndRedactionShowsAtMostSevenCharacters() {
        Secret s = Secret.of("sk-abcdefghijklmnop");
        assertTrue(s.matches("sk-abcdefghijklmnop"));
        assertFalse(s.matches("sk-abcdefghijklmno"));
        assertFalse(s.matches(null));
        assertEquals("sk-…mnop", s.redacted());
        assertEquals("…", Secret.of("short").redacted());
    }

    @Test
    void pooledUpstreamConnectionsAreReusedForAShorterTimeThanTypicalUpstreamKeepAlives() {
        assertEquals(Duration.ofSeconds(4), load(Map.of()).upstream().keepAlive(), "below uvicorn's and Node's 5 s");
        assertEquals(Duration.ofSeconds(50), load(Map.of("UPSTREAM_KEEP_ALIVE", "50s")).upstream().keepAlive());
        assertTrue(error(Map.of("UPSTREAM_KEEP_ALIVE", "0s")).contains("UPSTREAM_KEEP_ALIVE"));
    }

    @Test
    void theSingleUpstreamCanBeToldNotToBeAskedForStreamUsage() {
        assertTrue(load(Map.of()).routing().upstreams().get(0).streamUsage(), "asked by default, like an UPSTREAMS entry");
        Settings off = load(Map.of("UPSTREAM_URL", "http://127.0.0.1:9", "UPSTREAM_STREAM_USAGE", "false"));
        assertFalse(off.upstream().streamUsage());
        assertFalse(off.routing().upstreams().get(0).streamUsage(), "UPSTREAM_URL's upstream is not asked");
        // UPSTREAMS entries keep their own switch: the single upstream's setting does not reach them
        Settings listed = load(Map.of("UPSTREAM_STREAM_USAGE", "false",
                "UPSTREAMS", "[{\"name\":\"a\",\"url\":\"https://a.example\"},{\"name\":\"b\",\"url\":\"https://b.example\",\"stream_usage\":false}]"));
        assertTrue(listed.routing().upstreams().get(0).streamUsage());
        assertFalse(listed.routing().upstreams().get(1).streamUsage());
        assertTrue(error(Map.of("UPSTREAM_STREAM_USAGE", "sometimes")).contains("UPSTREAM_STREAM_USAGE"));
    }
}
