package modrelay.relay.endpoint;

import java.util.Optional;
import modrelay.moderation.text.Dialect;

/**
 * One entry of the endpoint catalogue: what a request to it is, for the decisions the relay makes
 * before anything goes upstream (sub-key allowlist, model rules, moderation coverage).
 *
 * @param name     the OpenAI SDK's name for it ({@code chat.completions.create}); allowlists and
 *                 MODERATION_UNMODERATED_ENDPOINTS may name it
 * @param method   the HTTP method, upper case ({@code *} for {@link Endpoints#UNKNOWN})
 * @param path     the path after {@code /v1}, with {@code {id}} for one segment and {@code {name*}}
 *                 for the rest of the path
 * @param group    the allowlist group
 * @param model    where the model it runs is named
 * @param coverage what moderation does with its answer
 * @param fansOut  one request that makes the upstream run many model calls later (a batch, an eval
 *                 run, a fine-tuning job): it cannot be counted as one request of a quota
 */
public record Endpoint(String name, String method, String path, Group group, ModelField model, Coverage coverage,
        boolean fansOut) {

    /** Whether the body (or the Azure deployment) names a model this endpoint runs. */
    public boolean carriesModel() {
        return model != ModelField.NONE;
    }

    /** The dialect that reads its answers, when it is moderated. */
    public Optional<Dialect> dialect() {
        return coverage instanceof Coverage.Moderated m ? Optional.of(m.dialect()) : Optional.empty();
    }

    /** The same endpoint reached through Azure's {@code /openai/deployments/<deployment>/…}. */
    Endpoint viaDeployment() {
        return new Endpoint(name, method, path, group, ModelField.DEPLOYMENT, coverage, fansOut);
    }

    /** "POST /v1/chat/completions (chat.completions.create)", for messages. */
    public String describe() {
        return this == Endpoints.UNKNOWN ? "an endpoint this relay does not know (unknown)"
                : method + " /v1" + path + " (" + name + ")";
    }
}
