package modrelay.relay.pipeline;

import java.util.Optional;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Policy;
import modrelay.moderation.text.Dialect;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.UnmoderatedEndpoints;
import modrelay.relay.errors.EndpointErrors;
import modrelay.relay.request.JsonBody;

/**
 * The moderation level of the request: the body's flags (read once by the body filter), the
 * operator's default and floor, the sub-key's floor; and the dialect of its answer, from the canonical
 * path. A request asking for moderation on a relay without a moderator is refused, not served unjudged.
 */
final class ModerationLevelFilter implements RequestFilter {
    private final Policy policy;
    private final boolean hasModerator;
    private final UnmoderatedEndpoints unmoderated;

    ModerationLevelFilter(Policy policy, boolean hasModerator, UnmoderatedEndpoints unmoderated) {
        this.policy = policy;
        this.hasModerator = hasModerator;
        this.unmoderated = unmoderated;
    }

    @Override
    public Step apply(Exchange ex) {
        Optional<JsonBody> json = ex.inbound().json();
        ModerationLevel level;
        try {
            level = policy.resolve(json.flatMap(JsonBody::moderation), json.flatMap(JsonBody::moderationLevel))
                    .atLeast(ex.inbound().admission().floor());
        } catch (Policy.InvalidLevel bad) {
            return Step.refuse(ex, OpenAiError.invalidParameter(bad.getMessage(), "invalid_moderation_level"));
        }
        Endpoint endpoint = ex.inbound().endpoint();
        Optional<Dialect> dialect = endpoint.dialect();
        if (level == ModerationLevel.OFF) return Step.next(ex.withModeration(dialect, level, ex.model()));
        if (!hasModerator) {
            return Step.refuse(ex, OpenAiError.invalidParameter(
                    "Moderation was requested but this relay has no moderator configured.", "moderation_unavailable"));
        }
        // Fail closed on endpoints whose answer may hold model text no dialect reads, unless the operator exempted them.
        if (unmoderated.decide(endpoint) instanceof UnmoderatedEndpoints.Decision.Refuse) {
            return Step.refuse(ex, EndpointErrors.moderationUnsupported(endpoint));
        }
        // Spoken output is base64 audio no moderator reads (its transcript may come after the sound): refused.
        if (json.map(JsonBody::audioOutput).orElse(false)) {
            return Step.refuse(ex, new OpenAiError(akka.http.javadsl.model.StatusCodes.FORBIDDEN, "This relay moderates model "
                    + "output and cannot moderate audio: ask for text output (no 'audio' in 'modalities') while moderation is on.",
                    "invalid_request_error", "moderation_unsupported_output"));
        }
        return Step.next(ex.withModeration(dialect, level, ex.model()));
    }
}
