package modrelay.relay.routing;

import static modrelay.relay.routing.Upstreams.azure;
import static modrelay.relay.routing.Upstreams.openai;
import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The catalog's listing at start and on its refresh timer, on Akka's manual time; the test answers each listing. */
class ModelCatalogTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(KIT.system());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REFRESH = Duration.ofMinutes(5);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private final RoutingTable table = new RoutingTable(List.of(
            openai("openai", 0, 1, "gpt-4o*", "o3-mini"),
            openai("deepseek", 0, 1, "deepseek-chat=deepseek-v3"),
            azure("az", "gpt-4o=prod-4o", "gpt-35-turbo")));

    private record Listing(int upstream, CompletableFuture<List<String>> result) {}

    private final BlockingQueue<Listing> listings = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<String>> changes = new LinkedBlockingQueue<>();
    private final AtomicReference<ModelList> published = new AtomicReference<>();

    private void start(Duration refresh) {
        ModelCatalog.Lister lister = u -> {
            if (u == 2) return Optional.empty(); // Azure lists no deployments
            CompletableFuture<List<String>> f = new CompletableFuture<>();
            listings.add(new Listing(u, f));
            return Optional.of(f);
        };
        KIT.spawn(ModelCatalog.create(table, lister, refresh, published, () -> changes.add(published.get().ids())));
    }

    /** The listings of one round (upstreams 0 and 1), by upstream. */
    private Listing[] round() throws InterruptedException {
        Listing[] byUpstream = new Listing[2];
        for (int i = 0; i < 2; i++) {
            Listing l = listings.poll(5, TimeUnit.SECONDS);
            assertNotNull(l, "no listing started");
            byUpstream[l.upstream()] = l;
        }
        return byUpstream;
    }

    private List<String> nextChange() throws InterruptedException {
        List<String> ids = changes.poll(5, TimeUnit.SECONDS);
        assertNotNull(ids, "no list published");
        return ids;
    }

    @Test
    void theUnionOfConfiguredNamesAndWhatTheUpstreamsListRefreshedOnItsTimer() throws Exception {
        start(REFRESH);
        // From configuration alone at once: exact names, never globs.
        assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "o3-mini"), published.get().ids());

        Listing[] atStart = round();
        atStart[0].result().complete(List.of("gpt-4o-2024-11-20", "gpt-4o", "dall-e-3", "o3-mini"));
        atStart[1].result().complete(List.of("deepseek-v3"));
        nextChange();
        assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "gpt-4o-2024-11-20", "o3-mini"), nextChange());
        JsonNode list = JSON.readTree(published.get().json().utf8String());
        assertEquals("list", list.get("object").asText());
        assertEquals("deepseek-chat", list.get("data").get(0).get("id").asText());
        assertEquals("deepseek", list.get("data").get(0).get("owned_by").asText());
        assertEquals("openai", JSON.readTree(published.get().one("gpt-4o").orElseThrow().utf8String()).get("owned_by").asText(),
                "the first upstream in configuration order owns a shared name");
        assertTrue(published.get().one("dall-e-3").isEmpty(), "listed upstream but not configured for it");

        // Nothing until the refresh is due.
        TIME.timePasses(REFRESH.minusMillis(1));
        assertNull(listings.poll(200, TimeUnit.MILLISECONDS), "listed again before the refresh was due");
        TIME.timePasses(Duration.ofMillis(1));
        Listing[] refreshed = round();
        // A failed listing keeps that upstream's last list; the other one's new list is taken.
        refreshed[0].result().completeExceptionally(new java.net.ConnectException("down"));
        refreshed[1].result().complete(List.of("deepseek-v3", "deepseek-r1"));
        assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "gpt-4o-2024-11-20", "o3-mini"), nextChange());
        assertTrue(changes.isEmpty(), "a failure publishes nothing");

        TIME.timePasses(REFRESH);
        Listing[] third = round();
        third[0].result().complete(List.of("gpt-4o-mini"));
        third[1].result().complete(List.of());
        List<String> ids = nextChange();
        if (!ids.contains("gpt-4o-mini")) ids = nextChange();
        assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "gpt-4o-mini", "o3-mini"), ids,
                "what an upstream no longer lists is gone after the next refresh");
    }

    @Test
    void aZeroRefreshListsOnlyAtStart() throws Exception {
        start(Duration.ZERO);
        Listing[] atStart = round();
        atStart[0].result().complete(List.of());
        atStart[1].result().complete(List.of());
        TIME.timePasses(Duration.ofDays(1));
        assertNull(listings.poll(200, TimeUnit.MILLISECONDS), "no timer with MODELS_REFRESH=0");
    }
}
