package modrelay.relay.response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the relay can read a moderated 2xx answer, decided from its headers alone: what decodes its
 * Content-Encoding (gzip and deflate; identity needs nothing) and whether its media type is one the
 * moderation reads (SSE as a stream, JSON as a whole). Anything else is {@link Unreadable}: the relay
 * cannot judge it, so it does not release it. Pure, so it is tested without Akka.
 */
sealed interface AnswerReading {

    /** How the body is decoded before moderation. */
    enum Decoding { IDENTITY, GZIP, DEFLATE }

    /** How the body is moderated. */
    enum Shape { EVENT_STREAM, WHOLE_JSON }

    record Readable(Decoding decoding, Shape shape) implements AnswerReading {}

    /** @param reason for the client's error message and the log; never holds body bytes */
    record Unreadable(String reason, Optional<Shape> declared) implements AnswerReading {}

    /**
     * @param contentEncodings the values of every Content-Encoding header, in order (each may list several)
     * @param mediaType        the answer's media type as the upstream labelled it, lower or mixed case
     */
    static AnswerReading of(List<String> contentEncodings, String mediaType) {
        Optional<Shape> shape = shapeOf(mediaType);
        List<String> codings = new ArrayList<>();
        for (String header : contentEncodings) {
            for (String token : header.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("identity")) codings.add(t);
            }
        }
        Decoding decoding;
        if (codings.isEmpty()) {
            decoding = Decoding.IDENTITY;
        } else if (codings.size() > 1) {
            return new Unreadable("content encoding '" + String.join(", ", codings) + "' (stacked encodings)", shape);
        } else {
            switch (codings.get(0)) {
                case "gzip", "x-gzip" -> decoding = Decoding.GZIP;
                case "deflate" -> decoding = Decoding.DEFLATE;
                default -> {
                    return new Unreadable("content encoding '" + printable(codings.get(0)) + "'", shape);
                }
            }
        }
        if (shape.isEmpty()) return new Unreadable("content type '" + printable(mediaType) + "'", shape);
        return new Readable(decoding, shape.get());
    }

    static Optional<Shape> shapeOf(String mediaType) {
        String m = mediaType == null ? "" : mediaType.trim().toLowerCase(Locale.ROOT);
        if (m.equals("text/event-stream")) return Optional.of(Shape.EVENT_STREAM);
        if (m.equals("application/json") || (m.startsWith("application/") && m.endsWith("+json"))) {
            return Optional.of(Shape.WHOLE_JSON);
        }
        return Optional.empty();
    }

    /** Header text for a message: bounded, no control characters. */
    private static String printable(String s) {
        String t = s == null || s.isBlank() ? "none" : s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 60 ? t.substring(0, 60) + "…" : t;
    }
}
