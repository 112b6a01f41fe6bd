package modrelay.relay.request;

import java.util.Optional;

/**
 * What a request says about its model, as the relay read it once. A key limited to some models
 * must be able to tell "no model" from "a model it cannot read": both are refused for such a key.
 */
public sealed interface RequestModel {

    /** A model named as a string. */
    record Named(String name) implements RequestModel {}

    /** The body has no {@code model} (or it is {@code null}). */
    record Missing() implements RequestModel {}

    /** {@code model} is a number, an array, an object, a boolean. */
    record NotAString() implements RequestModel {}

    /** The body could not be read for its model (a multipart field too long, a body the relay does not parse). */
    record Unreadable() implements RequestModel {}

    RequestModel MISSING = new Missing();
    RequestModel NOT_A_STRING = new NotAString();
    RequestModel UNREADABLE = new Unreadable();

    default Optional<String> named() {
        return this instanceof Named n ? Optional.of(n.name()) : Optional.empty();
    }
}
