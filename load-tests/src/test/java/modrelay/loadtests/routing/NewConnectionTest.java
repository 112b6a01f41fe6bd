package modrelay.loadtests.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import modrelay.config.SettingsLoader;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.loadtests.fixture.TestHttp;
import modrelay.relay.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one-off connection of a retry: a whole stream arrives over it, and it closes once the body has ended. */
class NewConnectionTest {
    private FakeUpstream upstream;
    private ActorSystem<Void> system;

    @AfterEach
    void stop() {
        if (system != null) system.terminate();
        if (upstream != null) upstream.close();
    }

    private UpstreamClient client() {
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(2)));
        system = ActorSystem.create(Behaviors.empty(), "new-connection-test");
        return new UpstreamClient(system, SettingsLoader.load(Map.of("UPSTREAM_URL", upstream.baseUrl())).upstream());
    }

    private HttpRequest streamingChat() {
        String body = TestHttp.chat("gpt-4o", "One stream. Over its own connection.", true);
        return HttpRequest.create(upstream.baseUrl() + "/v1/chat/completions").withMethod(HttpMethods.POST)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }

    @Test
    void aStreamArrivesWholeAndTheConnectionClosesAfterIt() throws Exception {
        UpstreamClient client = client();
        HttpResponse response = client.sendOnNewConnection(streamingChat(), Duration.ofSeconds(10), true).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(200, response.status().intValue());
        assertEquals(1, upstream.openConnections(), "the connection stays open while the body streams");
        String sse = response.entity().getDataBytes().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat),
                Materializer.matFromSystem(system)).toCompletableFuture().get(10, TimeUnit.SECONDS).utf8String();
        assertEquals("One stream. Over its own connection.", TestHttp.sseText(sse));
        assertTrue(sse.trim().endsWith("data: [DONE]"), sse);
        assertEquals(1, upstream.streamsCompleted(), "the upstream finished its stream: it was not cut by a half-close");
        upstream.whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("127.0.0.1:" + upstream.port(), upstream.requests().get(0).header("host"));
        assertEquals("/v1/chat/completions", upstream.requests().get(0).path(), "sent in origin form");
    }

    @Test
    void aCancelledBodyClosesTheConnectionToo() throws Exception {
        UpstreamClient client = client();
        HttpResponse response = client.sendOnNewConnection(streamingChat(), Duration.ofSeconds(10), true).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        client.discard(response);
        upstream.whenOpenConnectionsAtMost(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
