package modrelay.relay.routing;

import static modrelay.relay.routing.Upstreams.azure;
import static modrelay.relay.routing.Upstreams.openai;
import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private final RoutingTable table = new RoutingTable(List.of(
            openai("openai", 0, 1, "gpt-4o*", "o3-mini"),
            openai("deepseek", 0, 1, "deepseek-chat=deepseek-v3"),
            azure("az", "gpt-4o=prod-4o", "gpt-35-turbo")));

    @Test
    void theUnionOfConfiguredNamesAndWhatTheUpstreamsList() throws Exception {
        Map<Integer, CompletableFuture<List<String>>> calls = new ConcurrentHashMap<>();
        AtomicInteger listings = new AtomicInteger();
        ModelCatalog.Lister lister = u -> {
            if (u == 2) return Optional.empty(); // Azure lists no deployments
            listings.incrementAndGet();
            return Optional.of(calls.computeIfAbsent(u, k -> new CompletableFuture<>()));
        };
        AtomicReference<ModelList> published = new AtomicReference<>();
        ActorRef<ModelCatalog.Command> catalog = KIT.spawn(ModelCatalog.create(table, lister, Duration.ZERO, published, () -> {}));
        // From configuration alone at once: exact names, never globs.
        assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "o3-mini"), published.get().ids());

        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(2, calls.size(), "listed at start");
            return null;
        });
        calls.get(0).complete(List.of("gpt-4o-2024-11-20", "gpt-4o", "dall-e-3", "o3-mini"));
        calls.get(1).complete(List.of("deepseek-v3"));
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "gpt-4o-2024-11-20", "o3-mini"), published.get().ids());
            return null;
        });
        JsonNode list = JSON.readTree(published.get().json().utf8String());
        assertEquals("list", list.get("object").asText());
        assertEquals("deepseek-chat", list.get("data").get(0).get("id").asText());
        assertEquals("deepseek", list.get("data").get(0).get("owned_by").asText());
        assertEquals("openai", JSON.readTree(published.get().one("gpt-4o").orElseThrow().utf8String()).get("owned_by").asText(),
                "the first upstream in configuration order owns a shared name");
        assertTrue(published.get().one("dall-e-3").isEmpty(), "listed upstream but not configured for it");

        // A failed refresh keeps the last list.
        calls.clear();
        catalog.tell(new ModelCatalog.Refresh());
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(2, calls.size());
            return null;
        });
        calls.get(0).completeExceptionally(new java.net.ConnectException("down"));
        calls.get(1).complete(List.of("deepseek-v3", "deepseek-r1"));
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(List.of("deepseek-chat", "gpt-35-turbo", "gpt-4o", "gpt-4o-2024-11-20", "o3-mini"), published.get().ids());
            return null;
        });
        assertEquals(4, listings.get());
    }
}
