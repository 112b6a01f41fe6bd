package modrelay.loadtests.bench;

import akka.actor.ActorSystem;
import akka.http.javadsl.ConnectHttp;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.stream.Materializer;
import akka.stream.javadsl.Flow;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletionStage;

/**
 * The framework's ceiling for the benchmark: the smallest Akka HTTP reverse proxy, same Akka and Akka HTTP
 * versions as the relay, no logic at all (no auth, no body reading, no moderation, no logging). It tells
 * what the relay's own code costs on top of Akka HTTP, measured in the same run.
 *
 * <pre>
 * java -cp modrelay-demo.jar modrelay.loadtests.bench.BareProxy &lt;port&gt; &lt;upstream port&gt; [pool|paired|queued|h2]
 * </pre>
 *
 * {@code pool} (default): server → {@code singleRequest} through the host pool → upstream, as the relay does.
 * {@code paired}: each client connection gets its own upstream connection, one fused Flow per connection.
 * {@code queued}: the relay's shape, an async handler per request, each client connection with its own upstream
 * connection fed through a queue ({@link QueuedUpstream}); {@code load-tests/bench/bare-shapes.sh} runs all three.
 * {@code h2}: every request over one HTTP/2 connection with prior knowledge (the upstream must speak h2c: the fake
 * does with {@code FakeUpstream <port> 0 h2}), the ceiling for UPSTREAM_HTTP2.
 * Answers {@code GET /readyz} itself so the benchmark can time its start the same way as the relay's.
 */
public final class BareProxy {
    private BareProxy() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        String mode = args.length > 2 ? args[2] : "pool";
        boolean paired = mode.equals("paired");
        // The server limits the relay sets too (AkkaConfig), so that thousands of silent streams stay open.
        ActorSystem system = ActorSystem.create("bare", ConfigFactory.parseString("""
                # Several JVMs start at once on a busy 2-CPU machine: the default 5 s was seen to run out.
                akka.logger-startup-timeout = 30s
                akka.http.server.request-timeout = infinite
                akka.http.server.idle-timeout = 300s
                akka.http.server.max-connections = 65536
                akka.http.server.backlog = 4096
                akka.http.client.idle-timeout = 300s
                akka.http.server.parsing.max-content-length = infinite
                akka.http.client.parsing.max-content-length = infinite
                """).withFallback(ConfigFactory.load()));
        Http http = Http.get(system);
        Materializer mat = Materializer.matFromSystem(system);
        if (mode.equals("h2")) {
            // Responses find their request by the association attribute; the client side speaks HTTP/1.1.
            akka.stream.BoundedSourceQueue<HttpRequest> queue = akka.stream.javadsl.Source.<HttpRequest>queue(65536)
                    .via(http.connectionTo("127.0.0.1").toPort(upstreamPort).managedPersistentHttp2WithPriorKnowledge())
                    .to(akka.stream.javadsl.Sink.foreach(res -> res.getAttribute(akka.http.javadsl.model.ResponseFuture.KEY())
                            .get().future().complete(res.withProtocol(akka.http.javadsl.model.HttpProtocols.HTTP_1_1))))
                    .run(mat);
            http.newServerAt("127.0.0.1", port).bind((akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>) r -> {
                if (r.getUri().path().equals("/readyz")) {
                    r.discardEntityBytes(mat);
                    return java.util.concurrent.CompletableFuture.completedFuture(HttpResponse.create());
                }
                java.util.concurrent.CompletableFuture<HttpResponse> answer = new java.util.concurrent.CompletableFuture<>();
                queue.offer(r.withUri(r.getUri().toRelative()).removeHeader("Host")
                        .addAttribute(akka.http.javadsl.model.ResponseFuture.KEY(), new akka.http.javadsl.model.ResponseFuture(answer)));
                return answer;
            }).toCompletableFuture().join();
        } else if (mode.equals("queued")) {
            http.newServerAt("127.0.0.1", port).connectionSource().runForeach(connection -> {
                QueuedUpstream upstream = new QueuedUpstream(http, "127.0.0.1", upstreamPort, mat);
                connection.handleWith(Flow.of(HttpRequest.class)
                        .mapAsync(1, r -> upstream.send(r.withUri(r.getUri().toRelative()).removeHeader("Host")))
                        .watchTermination((m, done) -> {
                            done.whenComplete((d, e) -> upstream.close());
                            return m;
                        }), mat);
            }, mat);
        } else if (paired) {
            http.newServerAt("127.0.0.1", port).connectionSource().runForeach(connection -> connection.handleWith(
                    Flow.of(HttpRequest.class)
                            .map(r -> r.withUri(r.getUri().toRelative()).removeHeader("Host"))
                            .via(http.outgoingConnection(ConnectHttp.toHost("127.0.0.1", upstreamPort))), mat), mat);
        } else {
            ConnectionPoolSettings pool = ConnectionPoolSettings.create(system)
                    .withMaxConnections(10000).withMaxOpenRequests(16384).withMaxRetries(0);
            Uri upstream = Uri.create("http://127.0.0.1:" + upstreamPort);
            http.newServerAt("127.0.0.1", port).bind((akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>) r -> {
                if (r.getUri().path().equals("/readyz")) {
                    r.discardEntityBytes(mat);
                    return java.util.concurrent.CompletableFuture.completedFuture(HttpResponse.create());
                }
                Uri target = upstream.path(r.getUri().path());
                target = r.getUri().rawQueryString().map(target::rawQueryString).orElse(target);
                return http.singleRequest(r.withUri(target).removeHeader("Host"), http.defaultClientHttpsContext(), pool, system.log());
            }).toCompletableFuture().join();
        }
        System.out.println("bare Akka HTTP proxy (" + mode + ") on 127.0.0.1:" + port
                + " -> 127.0.0.1:" + upstreamPort);
    }
}
