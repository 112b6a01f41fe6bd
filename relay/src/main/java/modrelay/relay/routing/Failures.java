package modrelay.relay.routing;

import akka.http.impl.engine.client.OutgoingConnectionBlueprint;
import akka.stream.StreamTcpException;
import java.util.concurrent.CompletionException;
import modrelay.relay.routing.RetryPolicy.FailureKind;
import modrelay.relay.upstream.UpstreamFailure;

/** Names the transport's exceptions for the retry policy. Pure. */
final class Failures {
    private Failures() {}

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        return e;
    }

    static FailureKind kindOf(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof UpstreamFailure.Exception f) {
            return f.failure() instanceof UpstreamFailure.FirstByteTimeout ? FailureKind.NO_HEADERS_IN_TIME
                    : f.failure() instanceof UpstreamFailure.ClosedBeforeAnswer ? FailureKind.CLOSED_BEFORE_ANSWER
                    : FailureKind.CONNECT_FAILED;
        }
        // Akka HTTP's name for "the server closed the connection before delivering the response".
        if (e instanceof OutgoingConnectionBlueprint.UnexpectedConnectionClosureException) return FailureKind.CLOSED_BEFORE_ANSWER;
        if (e instanceof java.net.ConnectException) return FailureKind.CONNECT_FAILED;
        if (e instanceof StreamTcpException) {
            // Akka reports a failed connect as "Tcp command [Connect(...)] failed", a reset or abort after it as a StreamTcpException too.
            String m = String.valueOf(e.getMessage());
            return m.startsWith("Tcp command [Connect") || causedBy(e, java.net.ConnectException.class)
                    ? FailureKind.CONNECT_FAILED
                    : FailureKind.CLOSED_BEFORE_ANSWER;
        }
        return FailureKind.NOT_UPSTREAM;
    }

    /** What the client is told (through {@link UpstreamFailure}) when no attempt got an answer. */
    static Throwable forClient(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof UpstreamFailure.Exception) return e;
        return switch (kindOf(e)) {
            case CLOSED_BEFORE_ANSWER -> new UpstreamFailure.Exception(new UpstreamFailure.ClosedBeforeAnswer());
            case CONNECT_FAILED -> new UpstreamFailure.Exception(new UpstreamFailure.ConnectFailed("the connection to the upstream failed"));
            default -> e;
        };
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
