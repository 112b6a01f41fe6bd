package modrelay.relay.endpoint;

/**
 * Where an endpoint takes the model it runs, which says what a sub-key with model rules must see
 * before the request may go upstream.
 */
public enum ModelField {
    /** The endpoint runs no model (files, lists, deletes). A model the body names anyway is still checked. */
    NONE,
    /**
     * The body's {@code model} (JSON field or form field) picks the model; without it the upstream
     * picks one (its default, an assistant's model): a key with model rules needs it named.
     */
    REQUIRED,
    /** The body may name a model (an update); without one, no model is chosen or changed. */
    WHEN_PRESENT,
    /** Azure's {@code /openai/deployments/<deployment>/…}: the deployment is the model. */
    DEPLOYMENT,
    /**
     * The models run are named where the relay does not look (a batch's input file, an eval run's
     * data source, a session inside the body): a key with model rules is refused.
     */
    NESTED
}
