package modrelay.relay.access;

/** The answer to an admin change: done, no such key, or a refusal that names the problem. */
public sealed interface AdminResult<T> {
    record Ok<T>(T value) implements AdminResult<T> {}

    record NotFound<T>() implements AdminResult<T> {}

    /** @param badRequest true when the request was wrong (400), false when the relay failed (503) */
    record Failed<T>(String message, boolean badRequest) implements AdminResult<T> {}
}
