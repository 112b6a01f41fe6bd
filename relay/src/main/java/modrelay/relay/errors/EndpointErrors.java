package modrelay.relay.errors;

import akka.http.javadsl.model.StatusCodes;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;

/** Refusals that depend on what an endpoint is, in the one OpenAI error shape. */
public final class EndpointErrors {
    private EndpointErrors() {}

    /**
     * 403 {@code moderation_unsupported_endpoint}: the request is moderated, and this endpoint's
     * answer can hold model text the relay cannot judge. It says which endpoint and group, so the
     * operator knows what MODERATION_UNMODERATED_ENDPOINTS would have to name.
     */
    public static OpenAiError moderationUnsupported(Endpoint e) {
        String name = e == Endpoints.UNKNOWN ? "unknown" : e.name();
        return new OpenAiError(StatusCodes.FORBIDDEN, "This relay moderates model output and cannot moderate "
                + e.describe() + ": " + e.coverage().why() + ". Requests to it are refused while moderation is on; the "
                + "operator can let it through unmoderated with MODERATION_UNMODERATED_ENDPOINTS (" + name + " or group "
                + e.group().id() + ").", "invalid_request_error", "moderation_unsupported_endpoint");
    }
}
