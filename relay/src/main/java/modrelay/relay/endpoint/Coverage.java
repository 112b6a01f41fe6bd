package modrelay.relay.endpoint;

import modrelay.moderation.text.Dialect;

/** What moderation can do with an endpoint's answer. */
public sealed interface Coverage {

    /** Why, in a few words, for the docs table and error messages. */
    String why();

    /** The answer holds model text in a shape a dialect reads: it passes the gate. */
    record Moderated(Dialect dialect, Streaming streaming) implements Coverage {
        @Override
        public String why() {
            return switch (streaming) {
                case BODY_FLAG -> dialect.name() + " dialect, streamed or whole";
                case QUERY_FLAG -> dialect.name() + " dialect, whole or resumed stream (`?stream=true`)";
                case NEVER -> dialect.name() + " dialect, whole";
            };
        }
    }

    /** The answer carries no text a model wrote (vectors, metadata, the client's own input): it passes. */
    record NoModelText(String why) implements Coverage {}

    /** The answer can carry model text the relay cannot judge: refused under moderation unless exempted. */
    record Unsupported(String why) implements Coverage {}
}
