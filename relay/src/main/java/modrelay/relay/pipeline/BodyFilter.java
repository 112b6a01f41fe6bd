package modrelay.relay.pipeline;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modrelay.relay.access.Admission;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.exchange.Inbound;
import modrelay.relay.exchange.UpstreamBody;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.request.JsonBody;
import modrelay.relay.endpoint.RequestModel;

/**
 * The body, read once where it must be read and bounded everywhere:
 * <ul>
 *   <li>endpoints whose body is JSON naming a model or carrying moderation flags (and any non-form body of a
 *       key with model rules): read whole up to MAX_JSON_BYTES, within the shared {@link BodyBudget}, parsed
 *       once by {@link JsonBody} whatever the content type says, and sent upstream as {@code application/json}
 *       — so the upstream reads the body the relay judged;</li>
 *   <li>multipart forms: streamed as they arrive; a key with model rules watches their model fields;</li>
 *   <li>anything else: streamed through untouched, up to MAX_REQUEST_BYTES.</li>
 * </ul>
 */
final class BodyFilter implements RequestFilter {
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=\"?([^\";]+)\"?");

    private final long maxJsonBytes;
    private final long maxRequestBytes;
    private final Duration readTimeout;
    private final BodyBudget budget;
    private final boolean keepForChatLog;
    private final Materializer materializer;

    BodyFilter(long maxJsonBytes, long maxRequestBytes, Duration readTimeout, BodyBudget budget, boolean keepForChatLog,
            Materializer materializer) {
        this.maxJsonBytes = maxJsonBytes;
        this.maxRequestBytes = maxRequestBytes;
        this.readTimeout = readTimeout;
        this.budget = budget;
        this.keepForChatLog = keepForChatLog;
        this.materializer = materializer;
    }

    @Override
    public Step apply(Exchange ex) {
        Inbound in = ex.inbound();
        RequestEntity entity = in.http().entity();
        OptionalLong declared = entity.getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > maxRequestBytes) return Step.refuse(ex, OpenAiError.tooLarge(maxRequestBytes));
        Admission admission = in.admission();
        ContentType ct = entity.getContentType();
        Optional<String> boundary = formBoundary(ct);
        Endpoint endpoint = in.endpoint();
        boolean bodyMethod = carriesBody(ex.method(), declared, entity);
        // Answers the gate reads come from JSON requests only; a form there is refused as unreadable JSON.
        boolean json = bodyMethod && (endpoint.dialect().isPresent()
                || (boundary.isEmpty() && (admission.checksModels() || (endpoint != Endpoints.UNKNOWN && endpoint.carriesModel()))));
        if (json) return readJson(ex, entity, declared);
        if (boundary.isPresent()) return form(ex, entity, boundary.get(), admission);
        return Step.next(ex.withInbound(in.withBody(new UpstreamBody.Streamed((RequestEntity) entity.withSizeLimit(maxRequestBytes)),
                Optional.empty(), RequestModel.MISSING, Optional.empty())));
    }

    private Step readJson(Exchange ex, RequestEntity entity, OptionalLong declared) {
        if (declared.isPresent() && declared.getAsLong() > maxJsonBytes) return Step.refuse(ex, OpenAiError.tooLarge(maxJsonBytes));
        long hold = declared.isPresent() ? declared.getAsLong() : maxJsonBytes;
        if (!budget.tryTake(hold)) {
            return Step.refuse(ex, new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The relay is reading many large request "
                    + "bodies at once; retry shortly.", "server_error", "server_busy").response(1));
        }
        ex.bodyEnd().add(() -> budget.giveBack(hold));
        if (entity instanceof HttpEntity.Strict strict) return parsed(ex, strict.getData());
        CompletionStage<Step> read = entity.toStrict(readTimeout.toMillis(), maxJsonBytes, materializer)
                .handle((strict, error) -> error == null ? parsed(ex, strict.getData()) : unread(ex, error));
        return Step.later(read);
    }

    private Step parsed(Exchange ex, ByteString data) {
        if (data.size() > maxJsonBytes) return Step.refuse(ex, OpenAiError.tooLarge(maxJsonBytes));
        JsonBody body;
        try {
            body = JsonBody.parse(data.toArrayUnsafe());
        } catch (JsonBody.Invalid invalid) {
            return Step.refuse(ex, invalid.flag()
                    ? OpenAiError.invalidParameter(invalid.getMessage(), "invalid_moderation_flag")
                    : OpenAiError.badJson(invalid.getMessage()));
        }
        Admission admission = ex.inbound().admission();
        Endpoint endpoint = ex.inbound().endpoint();
        // A key's model pin renames the model in this same splice: routing and the model rules then see the pinned name.
        Optional<String> pin = admission.pinnedModel(endpoint, body.model());
        UpstreamBody.Json upstream = UpstreamBody.Json.of(body, admission.bodyEdit(endpoint), pin);
        RequestModel model = pin.<RequestModel>map(RequestModel.Named::new).orElse(body.model());
        Exchange read = ex.withInbound(ex.inbound().withBody(upstream, Optional.of(body), model, Optional.empty()));
        return Step.next(keepForChatLog ? read.withRequestJson(upstream.bytes()) : read);
    }

    private Step unread(Exchange ex, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof EntityStreamSizeException) return Step.refuse(ex, OpenAiError.tooLarge(maxJsonBytes));
        if (e instanceof java.util.concurrent.TimeoutException) {
            return Step.refuse(ex, new OpenAiError(StatusCodes.REQUEST_TIMEOUT, "The request body did not arrive in time.",
                    "invalid_request_error", "request_timeout"));
        }
        return Step.refuse(ex, OpenAiError.invalidParameter("The request body could not be read.", "unreadable_body"));
    }

    private Step form(Exchange ex, RequestEntity entity, String boundary, Admission admission) {
        Inbound in = ex.inbound();
        if (entity instanceof HttpEntity.Strict strict) {
            if (strict.getData().size() > maxRequestBytes) return Step.refuse(ex, OpenAiError.tooLarge(maxRequestBytes));
            RequestModel model = FormModelWatch.modelOf(boundary, strict.getData());
            return Step.next(ex.withInbound(in.withBody(new UpstreamBody.Streamed(entity), Optional.empty(), model, Optional.empty())));
        }
        RequestEntity limited = (RequestEntity) entity.withSizeLimit(maxRequestBytes);
        if (!admission.checksModels()) {
            return Step.next(ex.withInbound(in.withBody(new UpstreamBody.Streamed(limited), Optional.empty(), RequestModel.MISSING,
                    Optional.empty())));
        }
        CompletableFuture<OpenAiError> refused = new CompletableFuture<>();
        Source<ByteString, Object> watched = limited.getDataBytes().via(FormModelWatch.watch(boundary, admission, in.endpoint(), refused));
        ContentType ct = entity.getContentType();
        RequestEntity out = entity.getContentLengthOption().isPresent()
                ? HttpEntities.create(ct, entity.getContentLengthOption().getAsLong(), watched)
                : HttpEntities.createChunked(ct, watched);
        // The model is checked as the form streams: until then, as far as routing knows, it names none.
        return Step.next(ex.withInbound(in.withBody(new UpstreamBody.Streamed(out), Optional.empty(), RequestModel.MISSING,
                Optional.of(refused))));
    }

    private static boolean carriesBody(String method, OptionalLong declared, RequestEntity entity) {
        boolean bodyMethod = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return bodyMethod && !(declared.isPresent() && declared.getAsLong() == 0) && !entity.isKnownEmpty();
    }

    static Optional<String> formBoundary(ContentType ct) {
        if (!ct.mediaType().mainType().equalsIgnoreCase("multipart") || !ct.mediaType().subType().equalsIgnoreCase("form-data")) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(ct.toString());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
