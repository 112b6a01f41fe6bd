package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.http.impl.engine.client.OutgoingConnectionBlueprint;
import akka.stream.StreamTcpException;
import java.util.concurrent.CompletionException;
import modrelay.relay.routing.RetryPolicy.FailureKind;
import modrelay.relay.upstream.UpstreamFailure;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void theTransportsExceptionsHaveTheirKinds() {
        assertEquals(FailureKind.CLOSED_BEFORE_ANSWER, Failures.kindOf(new OutgoingConnectionBlueprint.UnexpectedConnectionClosureException(1)));
        assertEquals(FailureKind.CLOSED_BEFORE_ANSWER, Failures.kindOf(new CompletionException(
                new OutgoingConnectionBlueprint.UnexpectedConnectionClosureException(1))), "unwrapped");
        assertEquals(FailureKind.CLOSED_BEFORE_ANSWER, Failures.kindOf(new StreamTcpException("The connection closed with error: Connection reset by peer")));
        assertEquals(FailureKind.CONNECT_FAILED, Failures.kindOf(new StreamTcpException(
                "Tcp command [Connect(127.0.0.1:1,None,List(),Some(10 seconds),true)] failed because of java.net.ConnectException: Connection refused")));
        assertEquals(FailureKind.CONNECT_FAILED, Failures.kindOf(new java.net.ConnectException("refused")));
        assertEquals(FailureKind.NO_HEADERS_IN_TIME, Failures.kindOf(new UpstreamFailure.Exception(new UpstreamFailure.FirstByteTimeout(5))));
        assertEquals(FailureKind.NOT_UPSTREAM, Failures.kindOf(new akka.http.scaladsl.model.EntityStreamSizeException(10, scala.Option.empty())),
                "the client's body was too large: no upstream would do better");
        assertEquals(FailureKind.NOT_UPSTREAM, Failures.kindOf(new IllegalStateException("bug")));
    }

    @Test
    void theClientIsToldWhatHappenedWithoutTheTransportsWording() {
        Throwable closed = Failures.forClient(new OutgoingConnectionBlueprint.UnexpectedConnectionClosureException(1));
        assertEquals("the upstream closed the connection before answering", closed.getMessage());
        Throwable refused = Failures.forClient(new StreamTcpException("Tcp command [Connect(10.0.0.7:443)] failed"));
        assertEquals("the connection to the upstream failed", refused.getMessage(), "no upstream address in the client's error");
        IllegalStateException other = new IllegalStateException("bug");
        assertSame(other, Failures.forClient(other));
    }
}
