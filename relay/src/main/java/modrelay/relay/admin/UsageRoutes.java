package modrelay.relay.admin;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.usage.UsageQuery;
import modrelay.relay.usage.UsageRecorder;
import modrelay.relay.usage.UsageReport;
import modrelay.relay.usage.UsageStore;

/**
 * {@code GET /admin/usage?key=&model=&from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=day,model,key&format=json|csv}:
 * token usage per day (UTC), sub-key and model from the database. This instance's waiting records are
 * written first, so its own latest exchanges are in the answer; other instances' arrive with their next
 * batch (USAGE_FLUSH_INTERVAL). Mounted by {@link AdminRoutes} behind the admin token.
 */
public final class UsageRoutes extends AllDirectives {
    private final Optional<UsageStore> store;
    private final Optional<UsageRecorder> recorder;
    private final Clock clock;

    public UsageRoutes(Optional<UsageStore> store, Optional<UsageRecorder> recorder, Clock clock) {
        this.store = store;
        this.recorder = recorder;
        this.clock = clock;
    }

    public Route route(HttpRequest request) {
        return path("usage", () -> concat(
                get(() -> parameterMap(params -> answer(params))),
                complete(new OpenAiError(StatusCodes.METHOD_NOT_ALLOWED, request.method().value() + " is not supported on "
                        + request.getUri().path() + ".", "invalid_request_error", "method_not_allowed").response())));
    }

    private Route answer(java.util.Map<String, String> params) {
        if (store.isEmpty()) {
            return complete(new OpenAiError(StatusCodes.NOT_FOUND, "Usage is not stored: set USAGE=on and give the relay a "
                    + "database (ADMIN_TOKEN or DATABASE_URL).", "invalid_request_error", "usage_not_stored").response());
        }
        UsageQuery q;
        try {
            q = UsageQuery.parse(params, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        } catch (UsageQuery.Invalid bad) {
            return complete(OpenAiError.invalidParameter(bad.getMessage(), "invalid_usage_query").response());
        }
        CompletionStage<Void> flushed = recorder.map(UsageRecorder::flush).orElse(CompletableFuture.completedFuture(null));
        CompletionStage<HttpResponse> answer = flushed.thenCompose(v -> store.get().query(q)).thenApply(rows -> q.csv()
                ? HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, UsageReport.csv(q, rows)))
                        .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"usage.csv\""))
                : HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, UsageReport.json(q, rows))));
        return onComplete(answer, r -> r.isSuccess() ? complete(r.get()) : complete(new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE,
                "The usage could not be read: the database is unavailable.", "server_error", "usage_store_unavailable").response()));
    }
}
