package modrelay.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * (b) Many concurrent SSE streams: chat completions with {@code stream:true}, each on its own
 * connection, arriving faster than they end, so that all are open together. The fake upstream
 * paces the reply ({@code x-fake-token-interval-ms}); every stream must be a 200
 * {@code text/event-stream} whose deltas add up to the expected text and that ends with
 * {@code data: [DONE]}. The response time is the whole stream's.
 *
 * <p>{@code -Dstreams=2000} (default 1000), {@code -DrampSeconds=10}, {@code -DtokenIntervalMs=500}
 * (20 tokens: 10 s per stream); assertions: no failed stream, p99 within {@code -DmaxP99Ms}
 * (default the paced duration + 3 s).
 */
public class ChatStreamsSimulation extends Simulation {
    static final String TEXT = "Streams stay open while the model speaks slowly, one token at a time, "
            + "and the relay keeps every one alive.";
    static final int TOKENS = 20;

    private final int streams = RelayLoad.intProperty("streams", 1000);
    private final int rampSeconds = RelayLoad.intProperty("rampSeconds", 10);
    private final int tokenIntervalMs = RelayLoad.intProperty("tokenIntervalMs", 500);
    private final int maxP99Ms = RelayLoad.intProperty("maxP99Ms", TOKENS * tokenIntervalMs + 3000);

    private final ScenarioBuilder hold = scenario("concurrent SSE streams")
            .exec(http("chat stream")
                    .post(RelayLoad.CHAT)
                    .header("Accept", "text/event-stream")
                    .header("x-fake-token-interval-ms", Integer.toString(tokenIntervalMs))
                    .body(StringBody(RelayLoad.chatBody(TEXT, true, null)))
                    .check(
                            status().is(200),
                            header("Content-Type").transform(v -> v.startsWith("text/event-stream")).is(true),
                            bodyString().transform(RelayLoad::digest).is("true|stop|" + TEXT)));

    {
        setUp(hold.injectOpen(rampUsers(streams).during(rampSeconds)))
                .protocols(RelayLoad.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        global().responseTime().percentile(99.0).lt(maxP99Ms));
    }
}
