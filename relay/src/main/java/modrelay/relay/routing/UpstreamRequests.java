package modrelay.relay.routing;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.Uri;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import modrelay.config.FieldStrip;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.request.BodyEdit;
import modrelay.relay.exchange.UpstreamBody;
import modrelay.relay.routing.RoutingTable.Route;

/**
 * Builds the request one upstream is sent: its URL (OpenAI's {@code /v1} under the upstream's API root,
 * Azure's deployment paths and {@code api-version}), the credential header ({@code Authorization: Bearer}
 * or Azure's {@code api-key}), and the body with {@code model} renamed when the upstream knows the model
 * by another name. Pure: no I/O, nothing sent.
 */
public final class UpstreamRequests {
    private UpstreamRequests() {}

    /** The request, or the client's 400 when it cannot be expressed for this upstream. */
    public sealed interface Result {
        record Built(HttpRequest request) implements Result {}

        record Unroutable(OpenAiError error) implements Result {}
    }

    /**
     * @param pathAndQuery the client's path after the route prefix, with its query
     * @param headers      the client's headers that may go upstream (credentials already removed)
     * @param credential   the key to send: the upstream's own, else the client's, else none
     * @param clientModel  the model the client named, when the relay read it
     */
    public static Result build(Upstream u, Route route, HttpMethod method, String pathAndQuery, List<HttpHeader> headers,
            Optional<String> credential, UpstreamBody body, Optional<String> clientModel) {
        return build(u, route, method, pathAndQuery, headers, credential, body, clientModel, false);
    }

    /** @param askUsage add {@code stream_options.include_usage} (see {@link #asksUsage}) */
    public static Result build(Upstream u, Route route, HttpMethod method, String pathAndQuery, List<HttpHeader> headers,
            Optional<String> credential, UpstreamBody body, Optional<String> clientModel, boolean askUsage) {
        String url;
        if (u.azure()) {
            AzurePaths.Result r = AzurePaths.translate(pathAndQuery, Optional.ofNullable(route.upstreamModel()),
                    u.endpoint().apiVersion());
            if (r instanceof AzurePaths.Result.Unsupported un) {
                return new Result.Unroutable(OpenAiError.invalidParameter(un.message(), "deployment_required"));
            }
            url = u.endpoint().origin() + ((AzurePaths.Result.Path) r).pathAndQuery();
        } else {
            url = u.openAiUrl(pathAndQuery);
        }
        Uri uri;
        try {
            uri = UpstreamUris.parse(url);
        } catch (akka.http.scaladsl.model.IllegalUriException | IllegalArgumentException badUri) {
            // Akka's parser throws IllegalUriException (not an IllegalArgumentException) for what it cannot read.
            return new Result.Unroutable(OpenAiError.invalidParameter("The request URL could not be relayed.", "invalid_url"));
        }
        List<HttpHeader> out = new ArrayList<>(headers.size() + 1);
        out.addAll(headers);
        credential.ifPresent(k -> out.add(u.credential(k)));
        return new Result.Built(HttpRequest.create().withMethod(method).withUri(uri).withHeaders(out)
                .withEntity(entityFor(u, route, body, clientModel, askUsage)));
    }

    private static final java.util.Set<String> STREAM_OPTIONS = java.util.Set.of("chat.completions.create", "completions.create");

    /**
     * Whether this upstream is asked for a stream's usage although the client did not ask: usage accounting
     * on, a chat or completions stream, an upstream that takes the field (UPSTREAMS' {@code stream_usage}),
     * and a body the field can be spliced into. The response side takes the usage chunk out again.
     */
    public static boolean asksUsage(Upstream u, modrelay.relay.exchange.Exchange ex, UpstreamBody body) {
        return ex.metered() && u.endpoint().streamUsage() && STREAM_OPTIONS.contains(ex.inbound().endpoint().name())
                && body instanceof UpstreamBody.Json json && json.body().canAskUsage();
    }

    /**
     * The body, with {@code model} renamed when this upstream knows the model by another name, the fields this
     * upstream rejects taken out and, when {@code askUsage}, the stream's usage asked for (JSON the relay read only;
     * other bodies go as they came).
     */
    static RequestEntity entityFor(Upstream u, Route route, UpstreamBody body, Optional<String> clientModel, boolean askUsage) {
        if (!(body instanceof UpstreamBody.Json json)) return body.entity();
        Optional<String> rename = route.upstreamModel() != null && clientModel.isPresent()
                && !route.upstreamModel().equals(clientModel.get()) ? Optional.of(route.upstreamModel()) : Optional.empty();
        String sentModel = route.upstreamModel() != null ? route.upstreamModel() : clientModel.orElse("");
        return json.forUpstream(rename, BodyEdit.dropping(stripped(u.endpoint().strip(), sentModel)), askUsage);
    }

    /** The fields of {@code rules} that apply to the model name sent upstream. */
    static java.util.Set<String> stripped(List<FieldStrip> rules, String upstreamModel) {
        if (rules.isEmpty()) return java.util.Set.of();
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (FieldStrip r : rules) {
            if (r.models().equals("*") || Glob.matches(r.models(), upstreamModel)) out.addAll(r.fields());
        }
        return out;
    }

    static boolean isJson(ContentType ct) {
        String m = ct.mediaType().toString().toLowerCase(Locale.ROOT);
        return m.equals("application/json") || m.endsWith("+json");
    }
}
