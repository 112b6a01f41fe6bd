package modrelay.relay.admin;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import akka.actor.typed.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import modrelay.config.Secret;
import modrelay.relay.access.AdminResult;
import modrelay.relay.access.ModelRules;
import modrelay.relay.access.SubKey;
import modrelay.relay.access.SubKeySecrets;
import modrelay.relay.access.SubKeys;
import modrelay.relay.admin.console.ConsoleHeaders;
import modrelay.relay.admin.console.ConsoleRoutes;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.UpstreamKeys;

/**
 * The admin API under {@code /admin}, for the operator: sub-keys and reloading the access rules.
 * Every call needs {@code Authorization: Bearer <ADMIN_TOKEN>} (compared in constant time); without
 * ADMIN_TOKEN the whole tree answers 404, as if it did not exist. JSON in, JSON out, errors in the
 * OpenAI shape.
 *
 * <pre>
 * POST   /admin/keys          create; the answer holds the secret ("key"), shown this once
 * GET    /admin/keys          list (no secrets)
 * GET    /admin/keys/{id}     one key with its usage
 * PATCH  /admin/keys/{id}     change name, expiry, limits, models, floor, endpoints, binding (upstream, model, defaults, caps)
 * DELETE /admin/keys/{id}     revoke (the key answers 401 from then on)
 * POST   /admin/reload        re-read IP rules (config/environment) and sub-keys (database)
 * GET    /admin/upstream-keys                        the relay's upstream keys: alias, state, reason, until
 * POST   /admin/upstream-keys/{upstream}/{key}/enable  put a cooling or quarantined key back into rotation
 * GET    /admin/overview      the relay at a glance (OverviewRoutes)
 * GET    /admin/moderation/events?limit=N   latest cuts and unmoderated releases, no text (AuditRoutes)
 * GET    /admin/config        effective settings, secrets redacted (ConfigRoutes)
 * GET    /admin/chat/{request_id}  one chat log entry, when LOG_CHAT is on (ChatRoutes)
 * GET    /admin/              the web console (console/ConsoleRoutes; its files need no token)
 * </pre>
 *
 * <p>Sub-key calls need sub-keys (ADMIN_TOKEN or DATABASE_URL); upstream keys need only the token.
 */
public final class AdminRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 64 * 1024;

    private final Optional<Secret> token;
    private final Optional<SubKeys> subKeys;
    private final boolean moderatorAvailable;
    private final Materializer materializer;
    private final UpstreamKeys upstreamKeys;
    private final Scheduler scheduler;
    private final ConsoleRoutes console = new ConsoleRoutes();
    /** The console's read-only views; only when the relay handed over what they read. */
    private final Optional<Route> views;
    private UsageRoutes usage = new UsageRoutes(Optional.empty(), Optional.empty(), Clock.systemUTC());
    private Optional<UpstreamRoutes> upstreams = Optional.empty();

    public AdminRoutes(Optional<Secret> token, Optional<SubKeys> subKeys, boolean moderatorAvailable, Materializer materializer) {
        this(token, subKeys, moderatorAvailable, materializer, new UpstreamKeys(), null);
    }

    /** @param upstreamKeys the relay's key pools, listed and re-enabled under /admin/upstream-keys */
    public AdminRoutes(Optional<Secret> token, Optional<SubKeys> subKeys, boolean moderatorAvailable, Materializer materializer,
            UpstreamKeys upstreamKeys, Scheduler scheduler) {
        this(token, subKeys, moderatorAvailable, materializer, upstreamKeys, scheduler, Optional.empty());
    }

    /** @param sources what the console's overview, audit, configuration and chat log views read */
    public AdminRoutes(Optional<Secret> token, Optional<SubKeys> subKeys, boolean moderatorAvailable, Materializer materializer,
            UpstreamKeys upstreamKeys, Scheduler scheduler, Optional<AdminSources> sources) {
        this.views = sources.map(s -> concat(
                new OverviewRoutes(s, upstreamKeys).route(),
                new AuditRoutes(s).route(),
                new ConfigRoutes(s).route(),
                new ChatRoutes(s).route()));
        this.token = token;
        this.subKeys = subKeys;
        this.moderatorAvailable = moderatorAvailable;
        this.materializer = materializer;
        this.upstreamKeys = upstreamKeys;
        this.scheduler = scheduler;
    }

    /** GET /admin/usage answered from this store. */
    public AdminRoutes withUsage(UsageRoutes routes) {
        this.usage = routes;
        return this;
    }

    /** /admin/upstreams and /admin/audit/config (UpstreamRoutes): live upstreams when {@code live} is there, else read-only. */
    public AdminRoutes withUpstreams(Optional<modrelay.relay.live.LiveUpstreams> live, modrelay.relay.routing.RoutingState routing) {
        this.upstreams = Optional.of(new UpstreamRoutes(live, routing, actor(), materializer));
        return this;
    }

    /** Who the config audit names for this token: a fingerprint (8 hex of its SHA-256), never the token. */
    private String actor() {
        if (token.isEmpty()) return "admin";
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.get().reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "admin:" + java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Route route() {
        return pathPrefix("admin", () -> respondWithDefaultHeaders(ConsoleHeaders.all(), () -> extractRequest(request -> {
            if (token.isEmpty()) return complete(OpenAiError.notFound(request.getUri().path()).response());
            // The console's files hold no data: the page loads first, then asks for the token.
            if (!authorized(request)) return concat(console.route(), complete(unauthorized()));
            Route upstream = concat(console.route(), views.orElse(reject()), upstreamKeyRoutes(request),
                    upstreams.map(u -> u.route(request)).orElse(reject()));
            if (subKeys.isEmpty()) return concat(upstream, complete(OpenAiError.notFound(request.getUri().path()).response()));
            SubKeys keys = subKeys.get();
            return concat(upstream,
                    usage.route(request),
                    pathPrefix("keys", () -> concat(
                            pathEndOrSingleSlash(() -> concat(
                                    post(() -> withBody(request, body -> create(keys, body))),
                                    get(() -> onSuccess(keys.list(), list -> ok(KeyViews.list(list, now(keys))))),
                                    complete(methodNotAllowed(request)))),
                            path(PathMatchers.segment(), id -> concat(
                                    get(() -> onSuccess(keys.get(id), k -> k
                                            .map(found -> ok(KeyViews.one(found, now(keys), Optional.empty())))
                                            .orElseGet(() -> complete(noSuchKey(id))))),
                                    patch(() -> withBody(request, body -> update(keys, id, body))),
                                    delete(() -> onSuccess(keys.revoke(id), r -> changed(r, id, keys))),
                                    complete(methodNotAllowed(request)))))),
                    path("reload", () -> concat(
                            post(() -> onSuccess(keys.reload(), r -> {
                                if (r instanceof AdminResult.Ok<?> ok) {
                                    return ok(KeyViews.reload((modrelay.relay.access.ReloadReport) ok.value()));
                                }
                                return complete(failure(r));
                            })),
                            complete(methodNotAllowed(request)))),
                    complete(OpenAiError.notFound(request.getUri().path()).response()));
        })));
    }

    private Route upstreamKeyRoutes(HttpRequest request) {
        return pathPrefix("upstream-keys", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> ok(UpstreamKeyViews.list(upstreamKeys.pools(), Instant.now()))),
                        complete(methodNotAllowed(request)))),
                path(PathMatchers.segment().slash(PathMatchers.segment()).slash("enable"), (upstream, alias) -> concat(
                        post(() -> reenable(upstream, alias)),
                        complete(methodNotAllowed(request)))),
                complete(OpenAiError.notFound(request.getUri().path()).response())));
    }

    private Route reenable(String upstream, String alias) {
        Optional<UpstreamKeys.Pool> pool = upstreamKeys.pool(upstream);
        Optional<KeySnapshot.KeyState> key = pool.flatMap(p -> p.client().snapshot().byAlias(alias));
        if (key.isEmpty()) {
            return complete(new OpenAiError(StatusCodes.NOT_FOUND, "No upstream key '" + clean(alias) + "' on upstream '"
                    + clean(upstream) + "'. GET /admin/upstream-keys lists them.", "invalid_request_error",
                    "upstream_key_not_found").response());
        }
        int index = key.get().index();
        return onSuccess(pool.get().client().reenable(index, scheduler),
                snapshot -> ok(UpstreamKeyViews.key(upstream, snapshot.keys().get(index), Instant.now()).toString()));
    }

    /** A path segment quoted back in an error: printable ASCII only, bounded. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 && c != '\'' ? c : '_');
        }
        return b.toString();
    }

    private Route create(SubKeys keys, byte[] body) {
        KeyRequests.NewKey spec;
        try {
            spec = KeyRequests.create(body, now(keys), moderatorAvailable);
        } catch (KeyRequests.Invalid bad) {
            return complete(invalid(bad));
        }
        String secret = SubKeySecrets.newSecret();
        SubKey key = new SubKey(SubKeySecrets.newId(), spec.name(), SubKeySecrets.hash(secret), SubKeySecrets.hint(secret),
                now(keys), spec.expiresAt(), Optional.empty(), spec.remaining(), 0, Optional.empty(), spec.rpm(),
                new ModelRules(spec.allowedModels(), spec.deniedModels()), spec.floor(), spec.endpoints(), spec.budgets(),
                spec.binding());
        return onSuccess(keys.create(key), r -> r instanceof AdminResult.Ok<SubKey> ok
                ? complete(json(StatusCodes.CREATED, KeyViews.one(ok.value(), now(keys), Optional.of(secret))))
                : complete(failure(r)));
    }

    private Route update(SubKeys keys, String id, byte[] body) {
        try {
            return onSuccess(keys.update(id, KeyRequests.patch(body, now(keys), moderatorAvailable)), r -> changed(r, id, keys));
        } catch (KeyRequests.Invalid bad) {
            return complete(invalid(bad));
        }
    }

    private Route changed(AdminResult<SubKey> r, String id, SubKeys keys) {
        if (r instanceof AdminResult.Ok<SubKey> ok) return ok(KeyViews.one(ok.value(), now(keys), Optional.empty()));
        if (r instanceof AdminResult.NotFound<SubKey>) return complete(noSuchKey(id));
        return complete(failure(r));
    }

    private Route withBody(HttpRequest request, Function<byte[], Route> inner) {
        CompletionStage<byte[]> read = request.entity().toStrict(5_000, MAX_BODY, materializer)
                .thenApply(strict -> strict.getData().toArray());
        return onComplete(read.exceptionally(e -> null), body -> body.isSuccess() && body.get() != null
                ? inner.apply(body.get())
                : complete(new OpenAiError(StatusCodes.BAD_REQUEST, "The body could not be read (at most " + MAX_BODY
                        + " bytes of JSON).", "invalid_request_error", "invalid_body").response()));
    }

    private boolean authorized(HttpRequest request) {
        for (HttpHeader h : request.getHeaders()) {
            if (!h.is("authorization")) continue;
            String v = h.value().trim();
            if (v.regionMatches(true, 0, "Bearer ", 0, 7)) return token.get().matches(v.substring(7).trim());
        }
        return false;
    }

    private static java.time.Instant now(SubKeys keys) {
        Clock clock = keys.clock();
        return clock.instant();
    }

    private Route ok(String body) {
        return complete(json(StatusCodes.OK, body));
    }

    private static HttpResponse json(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    }

    private static HttpResponse unauthorized() {
        return new OpenAiError(StatusCodes.UNAUTHORIZED, "Incorrect or missing admin token. Send 'Authorization: Bearer "
                + "<ADMIN_TOKEN>'.", "invalid_request_error", "invalid_admin_token").response();
    }

    private static HttpResponse noSuchKey(String id) {
        return new OpenAiError(StatusCodes.NOT_FOUND, "No sub-key with id '" + id + "'.", "invalid_request_error",
                "subkey_not_found").response();
    }

    private static HttpResponse methodNotAllowed(HttpRequest request) {
        return new OpenAiError(StatusCodes.METHOD_NOT_ALLOWED, request.method().value() + " is not supported on "
                + request.getUri().path() + ".", "invalid_request_error", "method_not_allowed").response();
    }

    private static <T> HttpResponse failure(AdminResult<T> r) {
        if (r instanceof AdminResult.Failed<T> f) {
            return new OpenAiError(f.badRequest() ? StatusCodes.BAD_REQUEST : StatusCodes.SERVICE_UNAVAILABLE, f.message(),
                    f.badRequest() ? "invalid_request_error" : "server_error",
                    f.badRequest() ? "invalid_configuration" : "key_store_unavailable").response();
        }
        return OpenAiError.internal("unexpected admin result").response();
    }

    /** 400 in the OpenAI shape, with {@code param} naming the field. */
    private static HttpResponse invalid(KeyRequests.Invalid bad) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", bad.getMessage());
        err.put("type", "invalid_request_error");
        if (bad.field() != null) err.put("param", bad.field());
        else err.putNull("param");
        err.put("code", bad.field() != null ? "invalid_field" : "invalid_json");
        return json(StatusCodes.BAD_REQUEST, root.toString());
    }

}
