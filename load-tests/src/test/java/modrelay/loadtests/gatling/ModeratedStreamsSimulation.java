package modrelay.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import modrelay.loadtests.bench.ChatSse;

/**
 * (c) Moderated SSE streams ({@code "moderation":true} in the body) through a relay configured
 * with the fake TMS. Clean replies must arrive whole, sentence by sentence, and end normally; one
 * stream in ten carries a block word ("forbidden") in its third sentence and must be cut there:
 * what passed before it, the notice, {@code finish_reason:"content_filter"}, {@code [DONE]}, and
 * never the blocked sentence or anything after it.
 *
 * <p>{@code -Dstreams=500} (default 200 clean + 10 % blocked), {@code -DrampSeconds=10},
 * {@code -DtokenIntervalMs=20} (60 tokens: 1.2 s per clean stream); assertions: no failed stream,
 * p99 of the clean streams within {@code -DmaxP99Ms} (default the paced duration + 2 s).
 */
public class ModeratedStreamsSimulation extends Simulation {
    static final String FIRST_TWO = "The quick brown fox jumps over the lazy dog near the river. "
            + "A small boat drifts slowly past the old mill in the morning. ";
    static final String CLEAN = FIRST_TWO
            + "Children laugh while they chase bright kites across the green hill. "
            + "The baker opens his shop and the smell of bread fills the street. "
            + "Evening comes softly and the lights of the town begin to glow.";
    static final String BLOCKED = FIRST_TWO
            + "Then the narrator explains something forbidden in great detail here. "
            + "The baker opens his shop and the smell of bread fills the street.";
    static final int TOKENS = 60;

    private final int streams = RelayLoad.intProperty("streams", 200);
    private final int rampSeconds = RelayLoad.intProperty("rampSeconds", 10);
    private final int tokenIntervalMs = RelayLoad.intProperty("tokenIntervalMs", 20);
    private final int maxP99Ms = RelayLoad.intProperty("maxP99Ms", TOKENS * tokenIntervalMs + 2000);

    private ScenarioBuilder streams(String name, String reply, CheckBuilder textCheck) {
        return scenario(name).exec(http(name)
                .post(RelayLoad.CHAT)
                .header("Accept", "text/event-stream")
                .header("x-fake-token-interval-ms", Integer.toString(tokenIntervalMs))
                .body(StringBody(RelayLoad.chatBody(reply, true, true)))
                .check(status().is(200), textCheck));
    }

    /**
     * Cut: the stream ended properly with {@code content_filter}, and neither the blocked sentence nor
     * anything after it arrived. (The released prefix is one or two sentences: a sentence that became
     * ready while the moderator was busy is moderated together with the next one.)
     */
    static boolean cutAsExpected(String body) {
        ChatSse sse = ChatSse.of(body);
        return sse.done() && sse.finishReason().equals("content_filter")
                && !sse.text().contains("forbidden") && !sse.text().contains("The baker");
    }

    {
        ScenarioBuilder clean = streams("moderated clean stream", CLEAN,
                bodyString().transform(RelayLoad::digest).is("true|stop|" + CLEAN));
        ScenarioBuilder blocked = streams("moderated blocked stream", BLOCKED,
                bodyString().transform(ModeratedStreamsSimulation::cutAsExpected).is(true));
        setUp(
                clean.injectOpen(rampUsers(streams).during(rampSeconds)),
                blocked.injectOpen(rampUsers(Math.max(1, streams / 10)).during(rampSeconds)))
                .protocols(RelayLoad.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("moderated clean stream").responseTime().percentile(99.0).lt(maxP99Ms));
    }
}
