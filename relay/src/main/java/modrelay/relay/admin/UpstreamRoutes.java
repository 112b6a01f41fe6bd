package modrelay.relay.admin;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import modrelay.config.UpstreamDefinitions;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.live.LiveUpstreams;
import modrelay.relay.live.UpstreamChanges;
import modrelay.relay.live.UpstreamEdits;
import modrelay.relay.live.UpstreamStore;
import modrelay.relay.routing.HealthSnapshot;
import modrelay.relay.routing.RoutingState;

/**
 * Live configuration of upstreams (docs/configuration.md, "Live upstream configuration"). A definition is one
 * UPSTREAMS entry; keys are accepted but never shown back (a count and hints instead).
 *
 * <pre>
 * GET    /admin/upstreams                     the upstreams routed by now, with health
 * POST   /admin/upstreams                     add one (201)
 * GET    /admin/upstreams/{name}              one
 * PUT    /admin/upstreams/{name}              replace its definition
 * PATCH  /admin/upstreams/{name}              change some fields (null: back to the default)
 * DELETE /admin/upstreams/{name}              remove it (409 for the last one)
 * POST   /admin/upstreams/{name}/keys         add keys: {"keys":["sk-…"]}
 * DELETE /admin/upstreams/{name}/keys/{ref}   remove one key: key-N, N or its hint
 * GET    /admin/audit/config?limit=N          who changed what, newest first
 * </pre>
 */
final class UpstreamRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 64 * 1024;
    private static final int MAX_AUDIT = 1000;

    private final Optional<LiveUpstreams> live;
    private final RoutingState routing;
    private final String actor;
    private final Materializer materializer;

    /** @param actor who the audit names for this admin token (its fingerprint, never the token) */
    UpstreamRoutes(Optional<LiveUpstreams> live, RoutingState routing, String actor, Materializer materializer) {
        this.live = live;
        this.routing = routing;
        this.actor = actor;
        this.materializer = materializer;
    }

    Route route(HttpRequest request) {
        return concat(
                path(PathMatchers.segment("audit").slash("config"), () -> concat(
                        get(() -> parameterOptional("limit", this::audit)),
                        complete(methodNotAllowed(request)))),
                pathPrefix("upstreams", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> complete(ok(list()))),
                                post(() -> withObject(request, body -> edit(StatusCodes.CREATED,
                                        (rows, now) -> UpstreamEdits.create(rows, body, actor, now)))),
                                complete(methodNotAllowed(request)))),
                        path(PathMatchers.segment(), name -> concat(
                                get(() -> complete(one(name))),
                                put(() -> withObject(request, body -> edit(StatusCodes.OK,
                                        (rows, now) -> UpstreamEdits.replace(rows, name, body, actor, now)))),
                                patch(() -> withObject(request, body -> edit(StatusCodes.OK,
                                        (rows, now) -> UpstreamEdits.patch(rows, name, body, actor, now)))),
                                delete(() -> edit(StatusCodes.OK, (rows, now) -> UpstreamEdits.delete(rows, name, actor, now))),
                                complete(methodNotAllowed(request)))),
                        path(PathMatchers.segment().slash("keys"), name -> concat(
                                post(() -> withObject(request, body -> edit(StatusCodes.OK,
                                        (rows, now) -> UpstreamEdits.addKeys(rows, name, body, actor, now)))),
                                complete(methodNotAllowed(request)))),
                        path(PathMatchers.segment().slash("keys").slash(PathMatchers.segment()), (name, ref) -> concat(
                                delete(() -> edit(StatusCodes.OK,
                                        (rows, now) -> UpstreamEdits.removeKey(rows, name, ref, actor, now))),
                                complete(methodNotAllowed(request)))),
                        complete(OpenAiError.notFound(request.getUri().path()).response()))));
    }

    @FunctionalInterface
    private interface Edit {
        UpstreamEdits.Change apply(List<UpstreamStore.Row> rows, long now);
    }

    private Route edit(StatusCode status, Edit edit) {
        if (live.isEmpty()) {
            return complete(refusal(new UpstreamEdits.Refusal(409, "upstreams_from_environment", null,
                    "Upstreams come from the environment here (UPSTREAMS_SOURCE=env, or no database): change UPSTREAMS "
                            + "and restart, or run with a database to edit them live.")));
        }
        CompletionStage<HttpResponse> answer = live.get().edit(rows -> edit.apply(rows, System.currentTimeMillis()))
                .handle((change, error) -> {
                    if (error == null) {
                        boolean deleted = change.next().stream().noneMatch(r -> r.name().equals(change.upstream()));
                        if (deleted) {
                            ObjectNode o = JSON.createObjectNode();
                            o.put("object", "relay.upstream.deleted");
                            o.put("name", change.upstream());
                            o.put("deleted", true);
                            return json(status, o.toString());
                        }
                        return json(status, one(change.upstream(), change.next()).map(ObjectNode::toString).orElseThrow());
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof UpstreamEdits.Refusal r) return refusal(r);
                    return new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The upstream store could not be written ("
                            + cause.getClass().getSimpleName() + "); nothing changed.", "server_error", "upstream_store_unavailable")
                            .response();
                });
        return completeWithFuture(answer);
    }

    private Route audit(Optional<String> limit) {
        int n = 100;
        if (limit.isPresent()) {
            try {
                n = Integer.parseInt(limit.get().trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_AUDIT) {
                return complete(Answers.badParameter("limit", "'limit' must be a whole number from 1 to " + MAX_AUDIT + "."));
            }
        }
        if (live.isEmpty()) return complete(ok(auditList(List.of())));
        return completeWithFuture(live.get().audit(n).handle((rows, error) -> error == null ? ok(auditList(rows))
                : new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The audit could not be read.", "server_error",
                        "upstream_store_unavailable").response()));
    }

    private static String auditList(List<UpstreamStore.AuditRow> rows) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (UpstreamStore.AuditRow r : rows) {
            ObjectNode v = data.addObject();
            v.put("time", java.time.Instant.ofEpochMilli(r.atMillis()).toString());
            v.put("actor", r.actor());
            v.put("action", r.action());
            v.put("upstream", r.upstream());
            try {
                v.set("changes", JSON.readTree(r.summary()));
            } catch (java.io.IOException e) {
                v.putNull("changes");
            }
        }
        return o.toString();
    }

    /** The definitions the relay routes by now: stored ones, or the environment's written as definitions. */
    private List<UpstreamStore.Row> rows() {
        if (live.isPresent()) return live.get().rows();
        return routing.upstreams().stream().map(e -> new UpstreamStore.Row(e.name(), UpstreamDefinitions.toJson(e))).toList();
    }

    private String list() {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        o.put("source", live.isPresent() ? "database" : "env");
        ArrayNode data = o.putArray("data");
        List<UpstreamStore.Row> rows = rows();
        for (UpstreamStore.Row r : rows) data.add(view(r));
        return o.toString();
    }

    private HttpResponse one(String name) {
        Optional<ObjectNode> v = one(name, rows());
        return v.map(o -> ok(o.toString())).orElseGet(() -> Answers.notFound("No upstream named '" + name
                + "'. GET /admin/upstreams lists them.", "upstream_not_found"));
    }

    private Optional<ObjectNode> one(String name, List<UpstreamStore.Row> rows) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().map(this::view);
    }

    /** A definition without its keys, with the health of the upstream of that name as the router sees it now. */
    private ObjectNode view(UpstreamStore.Row r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "relay.upstream");
        try {
            o.setAll(UpstreamChanges.shown(JSON.readTree(r.definition())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored upstream definition is not JSON", e);
        }
        List<UpstreamEndpoint> now = routing.upstreams();
        HealthSnapshot health = routing.health();
        String status = "unknown";
        for (int i = 0; i < now.size() && i < health.states().size(); i++) {
            if (now.get(i).name().equals(r.name())) status = health.states().get(i).status().name().toLowerCase(Locale.ROOT);
        }
        o.put("status", status);
        return o;
    }

    private Route withObject(HttpRequest request, Function<ObjectNode, Route> inner) {
        CompletionStage<byte[]> read = request.entity().toStrict(5_000, MAX_BODY, materializer)
                .thenApply(strict -> strict.getData().toArray());
        return onComplete(read.exceptionally(e -> null), body -> {
            if (!body.isSuccess() || body.get() == null) {
                return complete(refusal(new UpstreamEdits.Refusal(400, "invalid_body", null,
                        "The body could not be read (at most " + MAX_BODY + " bytes of JSON).")));
            }
            JsonNode parsed;
            try {
                parsed = JSON.readTree(body.get());
            } catch (java.io.IOException e) {
                return complete(refusal(new UpstreamEdits.Refusal(400, "invalid_json", null,
                        "The body is not JSON; send one object like {\"name\":\"deepseek\",\"preset\":\"deepseek\",\"keys\":[\"sk-...\"]}.")));
            }
            if (parsed == null || !parsed.isObject()) {
                return complete(refusal(new UpstreamEdits.Refusal(400, "invalid_json", null,
                        "The body must be one JSON object (an upstream).")));
            }
            return inner.apply((ObjectNode) parsed);
        });
    }

    private static HttpResponse refusal(UpstreamEdits.Refusal r) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", r.getMessage());
        err.put("type", "invalid_request_error");
        if (r.param != null) err.put("param", r.param);
        else err.putNull("param");
        err.put("code", r.code);
        return json(StatusCodes.get(r.status), root.toString());
    }

    private static HttpResponse ok(String body) {
        return json(StatusCodes.OK, body);
    }

    private static HttpResponse json(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }

    private static HttpResponse methodNotAllowed(HttpRequest request) {
        return new OpenAiError(StatusCodes.METHOD_NOT_ALLOWED, request.method().value() + " is not supported on "
                + request.getUri().path() + ".", "invalid_request_error", "method_not_allowed").response();
    }
}
