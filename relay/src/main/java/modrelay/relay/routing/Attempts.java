package modrelay.relay.routing;

import akka.actor.typed.ActorRef;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.UpstreamBody;
import modrelay.relay.routing.RetryPolicy.Decision;
import modrelay.relay.routing.RetryPolicy.Outcome;
import modrelay.relay.routing.RoutingTable.Route;
import modrelay.relay.upstream.ConnectionPairs;
import modrelay.relay.upstream.KeyPoolClient;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.UpstreamClient;
import modrelay.relay.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one request, one after another: builds each upstream request ({@link UpstreamRequests}),
 * sends it, judges the answer ({@link KeyEvidence}), reports keys and health, and asks {@link RetryPolicy}
 * what next. Completes with the response to shape and where it came from, or the router's refusal; fails
 * when no attempt got an answer. A response kept while the next attempt is tried is delivered if that
 * attempt cannot be sent.
 */
final class Attempts {
    private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);
    private static final long MAX_AZURE_ERROR_BYTES = 1024 * 1024;
    /** The verdict of an answer that is neither a 401 nor a 429 made with a server key: nothing to judge. */
    private static final KeyVerdict UNJUDGED = new KeyVerdict.NotTheKey("not a 401 or 429 on a server key");

    /** What every request's attempts share: built once by the router. */
    record Shared(List<Upstream> upstreams, UpstreamClient client, int maxAttempts, boolean declared, Duration firstByteTimeout,
            Duration totalTimeout, AtomicReference<HealthSnapshot> health, Optional<ActorRef<UpstreamHealth.Command>> healthActor,
            AtomicIntegerArray inFlight, boolean countsInFlight, Materializer materializer, Clock clock) {}

    /** The client's request as the router received it. */
    record Request(HttpMethod method, Exchange ex, List<HttpHeader> headers, Optional<String> clientKey) {}

    /** A response kept while the next candidate is tried. */
    private record Held(HttpResponse response, Upstream upstream, String via) {}

    private final Shared s;
    private final Request req;
    private final UpstreamBody body;
    private final Optional<String> clientModel;
    private final List<Route> candidates;
    private int candidate;
    private int sent;
    private Optional<Integer> lastKey = Optional.empty();
    private final Set<Integer> triedKeys = new HashSet<>();
    /** Set when the policy asked for the same upstream and key again on a new connection. */
    private Optional<KeySnapshot.KeyState> freshKey = Optional.empty();
    private boolean freshRetried;
    private Held held;
    private HttpResponse refusal;
    private Throwable lastError;

    Attempts(Shared shared, Request req, UpstreamBody body, Optional<String> clientModel, List<Route> candidates) {
        this.s = shared;
        this.req = req;
        this.body = body;
        this.clientModel = clientModel;
        this.candidates = candidates;
    }

    CompletionStage<Routed> run() {
        return next(false);
    }

    private CompletionStage<Routed> next(boolean fresh) {
        while (candidate < candidates.size()) {
            Route route = candidates.get(candidate);
            Upstream u = s.upstreams().get(route.upstream());
            Optional<KeySnapshot.KeyState> key = Optional.empty();
            if (fresh) {
                key = freshKey;
            } else if (u.keys().isPresent()) {
                KeySnapshot.Pick pick = u.keys().get().pick(lastKey);
                if (pick instanceof KeySnapshot.Pick.Key k && !triedKeys.contains(k.key().index())) {
                    key = Optional.of(k.key());
                } else {
                    if (refusal == null && triedKeys.isEmpty()) refusal = refusalOf(pick);
                    advance();
                    continue;
                }
            }
            Duration remaining = remaining();
            if (remaining.isNegative() || remaining.isZero()) break;
            UpstreamRequests.Result built = UpstreamRequests.build(u, route, req.method(), req.ex().path(), req.headers(),
                    key.map(k -> k.secret().reveal()).or(req::clientKey), body, clientModel,
                    UpstreamRequests.asksUsage(u, req.ex(), body));
            if (built instanceof UpstreamRequests.Result.Unroutable un) {
                dropHeld();
                return CompletableFuture.completedFuture(new Routed.Refused(un.error().response()));
            }
            dropHeld();
            sent++;
            Duration deadline = remaining.compareTo(s.firstByteTimeout()) < 0 ? remaining : s.firstByteTimeout();
            return send(u, key, ((UpstreamRequests.Result.Built) built).request(), deadline, fresh);
        }
        if (held != null) {
            Held h = held;
            held = null;
            return deliver(h.response(), h.upstream(), h.via());
        }
        if (lastError != null) return CompletableFuture.failedFuture(Failures.forClient(lastError));
        if (refusal != null) return CompletableFuture.completedFuture(new Routed.Refused(refusal));
        return CompletableFuture.failedFuture(new UpstreamFailure.Exception(new UpstreamFailure.FirstByteTimeout(s.totalTimeout().toMillis())));
    }

    private CompletionStage<Routed> send(Upstream u, Optional<KeySnapshot.KeyState> key, HttpRequest out, Duration deadline,
            boolean fresh) {
        if (s.countsInFlight()) s.inFlight().incrementAndGet(u.index());
        CompletionStage<HttpResponse> sending = fresh ? s.client().sendOnNewConnection(out, deadline, req.ex().stream())
                : s.client().send(out, deadline, clientConnection(), req.ex().stream());
        return sending.handle((response, error) -> {
            if (error != null) {
                if (s.countsInFlight()) s.inFlight().decrementAndGet(u.index());
                return afterFailure(u, key, error);
            }
            int status = response.status().intValue();
            if (key.isPresent() && (status == 401 || status == 429)) {
                // The code in the error body says whether this is about the key; the client gets the same bytes.
                return ErrorBodies.strict(response, ErrorBodies.MAX_BYTES, s.firstByteTimeout(), s.materializer())
                        .thenCompose(strict -> afterAnswer(u, key, strict, KeyEvidence.classify(status,
                                name -> strict.getHeader(name).map(HttpHeader::value), ErrorBodies.bytes(strict), u.azure(),
                                s.clock().instant())));
            }
            return afterAnswer(u, key, response, UNJUDGED);
        }).thenCompose(Function.identity());
    }

    /** The upstream connections paired with the client's connection, if it has any. */
    private Optional<ConnectionPairs> clientConnection() {
        return req.ex().inbound() == null ? Optional.empty() : ConnectionPairs.of(req.ex().inbound().http());
    }

    private CompletionStage<Routed> afterFailure(Upstream u, Optional<KeySnapshot.KeyState> key, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        Outcome outcome = new Outcome.Failed(Failures.kindOf(cause));
        if (RetryPolicy.upstreamFault(outcome)) failed(u);
        Decision decision = RetryPolicy.decide(outcome, attempt(u, key));
        lastError = cause;
        switch (decision) {
            case NEXT_UPSTREAM -> {
                LOG.info("request_id={} upstream {} failed before answering ({}); trying the next one", req.ex().requestId(),
                        u.name(), describe(cause));
                advance();
                return next(false);
            }
            case FRESH_CONNECTION -> {
                LOG.info("request_id={} upstream {} closed the connection before answering ({}); retrying once on a new connection",
                        req.ex().requestId(), u.name(), cause.getClass().getSimpleName());
                freshRetried = true;
                freshKey = key;
                return next(true);
            }
            default -> {
                return CompletableFuture.failedFuture(Failures.forClient(cause));
            }
        }
    }

    private CompletionStage<Routed> afterAnswer(Upstream u, Optional<KeySnapshot.KeyState> key, HttpResponse response,
            KeyVerdict verdict) {
        lastError = null;
        int status = response.status().intValue();
        key.ifPresent(k -> report(u, k, verdict));
        Outcome outcome = new Outcome.Answered(status, verdict);
        if (RetryPolicy.upstreamFault(outcome)) failed(u); else succeeded(u);
        Decision decision = RetryPolicy.decide(outcome, attempt(u, key));
        String via = via(u, key);
        if (decision == Decision.OTHER_KEY || decision == Decision.NEXT_UPSTREAM) {
            held = new Held(response, u, via);
            if (decision == Decision.OTHER_KEY) {
                triedKeys.add(key.get().index());
                lastKey = Optional.of(key.get().index());
            } else {
                advance();
            }
            LOG.info("request_id={} upstream {} answered {} with key {}; trying again elsewhere", req.ex().requestId(), u.name(),
                    status, key.map(KeySnapshot.KeyState::alias).orElse("client"));
            return next(false);
        }
        return deliver(response, u, via);
    }

    private RetryPolicy.Attempt attempt(Upstream u, Optional<KeySnapshot.KeyState> key) {
        boolean otherKeys = false;
        if (key.isPresent() && u.keys().isPresent()) {
            Set<Integer> used = new HashSet<>(triedKeys);
            used.add(key.get().index());
            otherKeys = u.keys().get().snapshot().keys().size() > used.size();
        }
        return new RetryPolicy.Attempt(sent, s.maxAttempts(), remaining(), body.replayable(), key.isPresent(), otherKeys,
                candidate < candidates.size() - 1, freshRetried);
    }

    private CompletionStage<Routed> deliver(HttpResponse response, Upstream u, String via) {
        CompletionStage<HttpResponse> upstream = u.azure() && response.status().intValue() >= 400
                ? azureError(response)
                : CompletableFuture.completedFuture(response);
        if (s.countsInFlight()) req.ex().bodyEnd().add(() -> s.inFlight().decrementAndGet(u.index()));
        req.ex().usage().answeredBy(u.name(), UpstreamRequests.asksUsage(u, req.ex(), body));
        return upstream.thenApply(r -> new Routed.Answered(r, via, clientModel));
    }

    private CompletionStage<HttpResponse> azureError(HttpResponse response) {
        int status = response.status().intValue();
        return ErrorBodies.strict(response, MAX_AZURE_ERROR_BYTES, s.firstByteTimeout(), s.materializer())
                .thenApply(strict -> strict.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
                        AzureErrors.normalize(status, ErrorBodies.bytes(strict)))));
    }

    private void report(Upstream u, KeySnapshot.KeyState key, KeyVerdict verdict) {
        KeyPoolClient pool = u.keys().get();
        if (verdict instanceof KeyVerdict.Invalid) {
            pool.rejected(key.index());
        } else if (verdict instanceof KeyVerdict.Limited l) {
            pool.rateLimited(key.index(), l.retryAfter().map(s.clock().instant()::plus));
        } else if (verdict != UNJUDGED) {
            LOG.info("request_id={} upstream {} answered with key {}: {}; relayed to the client, the key stays in use",
                    req.ex().requestId(), u.name(), key.alias(), verdict.why());
        }
    }

    private void advance() {
        candidate++;
        lastKey = Optional.empty();
        triedKeys.clear();
        freshRetried = false;
    }

    private void dropHeld() {
        if (held == null) return;
        s.client().discard(held.response());
        if (s.countsInFlight()) s.inFlight().decrementAndGet(held.upstream().index());
        held = null;
    }

    private Duration remaining() {
        return s.totalTimeout().minusNanos(System.nanoTime() - req.ex().startNanos());
    }

    private String via(Upstream u, Optional<KeySnapshot.KeyState> key) {
        String alias = key.map(KeySnapshot.KeyState::alias).orElse("client");
        return s.declared() ? u.name() + "/" + alias : alias;
    }

    private void failed(Upstream u) {
        s.healthActor().ifPresent(a -> a.tell(new UpstreamHealth.Failed(u.index())));
    }

    /** Tells the health actor only when a success changes something: most requests cost no message. */
    private void succeeded(Upstream u) {
        if (s.healthActor().isPresent() && !s.health().get().clean(u.index())) {
            s.healthActor().get().tell(new UpstreamHealth.Succeeded(u.index()));
        }
    }

    private static HttpResponse refusalOf(KeySnapshot.Pick pick) {
        if (pick instanceof KeySnapshot.Pick.AllCooling c) {
            return OpenAiError.allKeysCooling(c.retryAfterSeconds()).response(c.retryAfterSeconds());
        }
        return OpenAiError.noUsableKey().response();
    }

    private static String describe(Throwable cause) {
        if (cause instanceof UpstreamFailure.Exception f) return f.failure().describe();
        return (Failures.kindOf(cause) == RetryPolicy.FailureKind.CLOSED_BEFORE_ANSWER
                ? "connection closed before the answer" : "connection failed") + ", " + cause.getClass().getSimpleName();
    }
}
