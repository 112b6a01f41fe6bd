package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.request.CanonicalPath;

/**
 * Prefix and canonical path: the decoded, validated path after the route prefix becomes the one every
 * later step reads and the one that goes upstream. Ambiguous spellings get 400 {@code invalid_path}.
 */
final class CanonicalPathFilter implements RequestFilter {
    private final CanonicalPath prefix;

    /** @param routePrefix "" or a path like "/openai" (validated by the settings) */
    CanonicalPathFilter(String routePrefix) {
        this.prefix = ((CanonicalPath.Valid) CanonicalPath.of(java.util.Arrays.asList(routePrefix.split("/")))).path();
    }

    @Override
    public Step apply(Exchange ex) {
        CanonicalPath.Result parsed = CanonicalPath.of(ex.inbound().http().getUri().pathSegments());
        if (parsed instanceof CanonicalPath.Invalid invalid) {
            return Step.refuse(ex, OpenAiError.invalidParameter("The request path is not accepted by this relay: "
                    + invalid.reason() + ".", "invalid_path"));
        }
        CanonicalPath path = ((CanonicalPath.Valid) parsed).path().under(prefix);
        if (path == null) return Step.refuse(ex, OpenAiError.notFound(ex.pathOnly()));
        return Step.next(ex.withPath(path, ex.inbound().http().getUri().rawQueryString()));
    }
}
