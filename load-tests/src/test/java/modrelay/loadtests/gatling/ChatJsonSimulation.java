package modrelay.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * (a) Non-streaming chat completions at a fixed arrival rate. Open model: a new virtual user
 * arrives every 1/rate seconds whether or not earlier ones got their answer, so a slow relay shows
 * up in the latencies instead of silently lowering the rate (no coordinated omission). Connections
 * are shared and kept alive, as an SDK client pool would.
 *
 * <p>{@code -Drate=500} requests/s (default 200), {@code -DdurationSeconds=60}, assertions
 * {@code -DmaxP99Ms=50} and at most 0.1 % failed requests.
 */
public class ChatJsonSimulation extends Simulation {
    private final int rate = RelayLoad.intProperty("rate", 200);
    private final int seconds = RelayLoad.intProperty("durationSeconds", 60);
    private final int maxP99Ms = RelayLoad.intProperty("maxP99Ms", 50);

    private final ScenarioBuilder chat = scenario("non-streaming chat completion")
            .exec(http("chat completion")
                    .post(RelayLoad.CHAT)
                    .body(StringBody(RelayLoad.chatBody("ok.", false, null)))
                    .check(status().is(200), jsonPath("$.choices[0].message.content").is("ok.")));

    {
        setUp(chat.injectOpen(
                        rampUsersPerSec(1).to(rate).during(10),
                        constantUsersPerSec(rate).during(seconds)))
                .protocols(RelayLoad.protocol().shareConnections())
                .assertions(
                        global().failedRequests().percent().lte(0.1),
                        global().responseTime().percentile(99.0).lt(maxP99Ms));
    }
}
