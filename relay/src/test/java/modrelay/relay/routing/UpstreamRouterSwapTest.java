package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.config.UpstreamDefinitions;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.routing.HealthSnapshot.Status;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Replacing the upstream list live: one new configuration published at once, what did not change keeps its key pool
 * and health, and a request that read the old configuration keeps it.
 */
class UpstreamRouterSwapTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static UpstreamEndpoint upstream(String json) {
        return UpstreamDefinitions.parse("upstream", json);
    }

    @Test
    void aNewListIsPublishedWholeAndWhatDidNotChangeKeepsItsKeyPoolAndHealth() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(
                "UPSTREAMS", "[{\"name\":\"a\",\"url\":\"http://127.0.0.1:1\",\"keys\":[\"sk-a-1\"]},"
                        + "{\"name\":\"b\",\"url\":\"http://127.0.0.1:2\",\"keys\":[\"sk-b-1\"]}]",
                "UPSTREAM_FAILURE_THRESHOLD", "1", "UPSTREAM_COOLDOWN", "1h", "MODELS_REFRESH", "0"));
        List<String> poolsStarted = new ArrayList<>();
        List<KeyPoolClient> pools = new ArrayList<>();
        UpstreamRouter router = UpstreamRouter.start(settings, KIT.system(), new UpstreamClient(KIT.system(), settings.upstream()),
                (name, pool) -> {
                    poolsStarted.add(name);
                    pools.add(pool);
                });
        assertEquals(List.of("a", "b"), poolsStarted);
        UpstreamRouter.Generation first = router.generation();
        first.healthActor().orElseThrow().tell(new UpstreamHealth.Failed(1));
        router.state().when(s -> !s.up(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);

        UpstreamEndpoint c = upstream("{\"name\":\"c\",\"url\":\"http://127.0.0.1:3\",\"models\":[\"gpt-4o\"]}");
        UpstreamEndpoint bRekeyed = upstream("{\"name\":\"b\",\"url\":\"http://127.0.0.1:2\",\"keys\":[\"sk-b-2\"]}");
        List<UpstreamEndpoint> next = List.of(c, settings.routing().upstreams().get(1), settings.routing().upstreams().get(0));
        assertTrue(router.reconfigure(next, true));
        UpstreamRouter.Generation second = router.generation();
        assertEquals(next, router.upstreams());
        assertEquals(next, router.state().upstreams());
        assertEquals(List.of("a", "b"), poolsStarted, "a and b kept their address and keys: no new pool");
        assertSame(first.shared().upstreams().get(0).keys().get(), second.shared().upstreams().get(2).keys().get());
        assertSame(first.shared().upstreams().get(1).keys().get(), second.shared().upstreams().get(1).keys().get());
        HealthSnapshot h = router.state().health();
        assertEquals(List.of(Status.UP, Status.OUT, Status.UP), h.states().stream().map(HealthSnapshot.State::status).toList(),
                "b is still out of rotation at its new place");
        assertEquals(List.of(new RoutingTable.Route(0, "gpt-4o"), new RoutingTable.Route(1, "gpt-4o"),
                new RoutingTable.Route(2, "gpt-4o")), second.table().candidates("gpt-4o"));
        assertEquals(List.of(new RoutingTable.Route(0, "a-model"), new RoutingTable.Route(1, "a-model")),
                first.table().candidates("a-model"), "a request that read the first configuration keeps its indices");
        assertFalse(router.reconfigure(next, true), "the same list again changes nothing");

        assertTrue(router.reconfigure(List.of(c, bRekeyed), true));
        assertEquals(List.of("a", "b", "b"), poolsStarted, "b's keys changed: a new pool; a was removed");
        assertNotSame(first.shared().upstreams().get(1).keys().get(), router.generation().shared().upstreams().get(1).keys().get());
        assertEquals(Status.UP, router.state().health().states().get(1).status(), "a re-keyed upstream starts healthy");
        assertTrue(router.hasServerKeys(), "b holds keys");
        assertTrue(router.reconfigure(List.of(c), false));
        assertFalse(router.hasServerKeys(), "read per request: c holds no key");
        assertTrue(router.models().isEmpty(), "not declared: GET /v1/models goes upstream");
    }
}
