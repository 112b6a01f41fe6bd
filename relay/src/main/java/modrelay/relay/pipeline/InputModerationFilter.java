package modrelay.relay.pipeline;

import akka.http.javadsl.model.StatusCodes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import modrelay.moderation.FailMode;
import modrelay.moderation.ModerationContext;
import modrelay.moderation.ModerationLevel;
import modrelay.moderation.Moderator;
import modrelay.moderation.Verdict;
import modrelay.moderation.stage.SafeModeration;
import modrelay.relay.errors.OpenAiError;
import modrelay.relay.exchange.Exchange;
import modrelay.relay.observability.ModerationEvents;
import modrelay.relay.request.JsonBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input moderation: the newest user turn (text parts of multimodal content included) is judged before
 * any upstream call; a cut answers 400 {@code content_filter} and the upstream never sees the request.
 * On when the operator sets MODERATION_INPUT=on (a request cannot switch it off) or a request sends
 * {@code "moderation_input": true}. Judged at the request's moderation level, or {@code low} (only
 * Block cuts) when its answer is not moderated.
 */
final class InputModerationFilter implements RequestFilter {
    private static final Logger AUDIT = LoggerFactory.getLogger("modrelay.audit");

    private final Optional<Moderator> moderator;
    private final boolean always;
    private final FailMode failMode;
    private final ModerationEvents events;

    /** @param events the audit ring of the admin console: input cuts and unmoderated inputs go there too (no text) */
    InputModerationFilter(Optional<Moderator> moderator, boolean always, FailMode failMode, ModerationEvents events) {
        this.events = events;
        this.moderator = moderator;
        this.always = always;
        this.failMode = failMode;
    }

    @Override
    public Step apply(Exchange ex) {
        Optional<JsonBody> json = ex.inbound().json();
        if (json.isEmpty() || ex.dialect().isEmpty() || !ex.method().equals("POST")) return Step.next(ex);
        boolean on = always || json.get().moderationInput().orElse(false);
        if (!on) return Step.next(ex);
        if (moderator.isEmpty()) {
            return Step.refuse(ex, OpenAiError.invalidParameter(
                    "Input moderation was requested but this relay has no moderator configured.", "moderation_unavailable"));
        }
        List<String> texts = json.get().newestUserText();
        String text = String.join("\n", texts).strip();
        if (text.isEmpty()) return Step.next(ex);
        ModerationLevel level = ex.level() == ModerationLevel.OFF ? ModerationLevel.LOW : ex.level();
        CompletionStage<Step> judged = SafeModeration.call(moderator.get(), text, new ModerationContext(ex.requestId(), ex.client()))
                .thenApply(verdict -> decide(ex, verdict, level));
        return Step.later(judged);
    }

    private Step decide(Exchange ex, Verdict verdict, ModerationLevel level) {
        if (verdict instanceof Verdict.Judged j) {
            if (!level.cuts(j.suggestion())) return Step.next(ex);
            AUDIT.info("request_id={} client={} input_moderation=cut label={} sub_label={} score={} source={}", ex.requestId(),
                    ex.client(), j.label(), j.subLabel(), j.score(), j.source());
            events.add(new ModerationEvents.Event(Instant.now(), ex.requestId(), ex.client(), ex.model().orElse(""),
                    "input_cut_blocked", nz(j.source()), j.suggestion().name().toLowerCase(Locale.ROOT), nz(j.label()),
                    nz(j.subLabel()), j.score(), "", nz(j.requestId()), false, 1));
            return Step.refuse(ex, new OpenAiError(StatusCodes.BAD_REQUEST, "Your request was rejected by content moderation.",
                    "invalid_request_error", "content_filter"));
        }
        Verdict.Unavailable u = (Verdict.Unavailable) verdict;
        AUDIT.warn("request_id={} client={} input_moderation=unavailable reason={} fail={}", ex.requestId(), ex.client(),
                u.reason(), failMode.name().toLowerCase(java.util.Locale.ROOT));
        events.add(new ModerationEvents.Event(Instant.now(), ex.requestId(), ex.client(), ex.model().orElse(""),
                failMode == FailMode.OPEN ? "input_released_unmoderated" : "input_cut_unavailable", nz(u.source()), "unavailable",
                "", "", 0, nz(u.reason()), "", false, 1));
        if (failMode == FailMode.OPEN) return Step.next(ex);
        return Step.refuse(ex, new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "Content moderation is unavailable; the request "
                + "was not sent.", "server_error", "moderation_unavailable").response(1));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
