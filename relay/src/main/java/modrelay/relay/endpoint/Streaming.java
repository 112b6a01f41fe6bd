package modrelay.relay.endpoint;

/**
 * How a moderated endpoint's answer comes: whether the client can ask for a stream, and where. A hint
 * for the gate, not a promise of the upstream: the gate goes by the answer's own content type, and an
 * SSE answer is moderated as a stream (or refused), never released unread because NEVER was expected
 * (a lenient upstream may serve {@code POST /v1/chat/completions/x} as a new streamed completion).
 */
public enum Streaming {
    /** A stream when the body says {@code "stream": true}, else one JSON answer. */
    BODY_FLAG,
    /** A stream when the query says {@code stream=true} (a resumed Responses stream), else one JSON answer. */
    QUERY_FLAG,
    /** One JSON answer (a stored object) from OpenAI itself. */
    NEVER
}
