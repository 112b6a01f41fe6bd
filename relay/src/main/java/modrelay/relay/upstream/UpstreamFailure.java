package modrelay.relay.upstream;

/** Why an upstream exchange failed before its response headers, in words safe to show a client. */
public sealed interface UpstreamFailure {
    String describe();

    record FirstByteTimeout(long millis) implements UpstreamFailure {
        public String describe() {
            return "no response headers within " + millis + " ms";
        }
    }

    record ConnectFailed(String detail) implements UpstreamFailure {
        public String describe() {
            return detail;
        }
    }

    /** The upstream (or a pooled connection to it) closed the connection before any response headers. */
    record ClosedBeforeAnswer() implements UpstreamFailure {
        public String describe() {
            return "the upstream closed the connection before answering";
        }
    }

    /** Carries a failure through a CompletionStage. */
    final class Exception extends RuntimeException {
        private final UpstreamFailure failure;

        public Exception(UpstreamFailure failure) {
            super(failure.describe(), null, false, false);
            this.failure = failure;
        }

        public UpstreamFailure failure() {
            return failure;
        }
    }
}
