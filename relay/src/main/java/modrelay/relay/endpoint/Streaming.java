package modrelay.relay.endpoint;

/** How a moderated endpoint's answer comes: whether the client can ask for a stream, and where. */
public enum Streaming {
    /** A stream when the body says {@code "stream": true}, else one JSON answer. */
    BODY_FLAG,
    /** A stream when the query says {@code stream=true} (a resumed Responses stream), else one JSON answer. */
    QUERY_FLAG,
    /** Always one JSON answer (a stored object); a stream here is not what the relay expects. */
    NEVER
}
