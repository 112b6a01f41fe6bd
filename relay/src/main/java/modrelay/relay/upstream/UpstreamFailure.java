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
