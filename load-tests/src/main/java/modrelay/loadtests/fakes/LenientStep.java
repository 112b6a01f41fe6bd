package modrelay.loadtests.fakes;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** One write of a lenient fake's stream (an SSE event, a comment) and the pause before it. */
record LenientStep(String text, Duration pauseBefore) {

    static LenientStep data(JsonNode json) {
        return new LenientStep("data: " + json + "\n\n", Duration.ZERO);
    }

    static LenientStep event(String type, JsonNode json) {
        return new LenientStep("event: " + type + "\ndata: " + json + "\n\n", Duration.ZERO);
    }

    static LenientStep raw(String text) {
        return new LenientStep(text, Duration.ZERO);
    }

    LenientStep after(Duration pause) {
        return new LenientStep(text, pause);
    }

    /** Each step one chunk on the wire, paused by a timer (no sleeping thread). */
    static Source<ByteString, NotUsed> source(List<LenientStep> steps) {
        return Source.from(steps).flatMapConcat(s -> {
            Source<ByteString, NotUsed> one = Source.single(ByteString.fromString(s.text()));
            return s.pauseBefore().isZero() ? one : one.initialDelay(s.pauseBefore());
        });
    }

    static ByteString whole(List<LenientStep> steps) {
        StringBuilder all = new StringBuilder();
        for (LenientStep s : steps) all.append(s.text());
        return ByteString.fromString(all.toString());
    }
}
