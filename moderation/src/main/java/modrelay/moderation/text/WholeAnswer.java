package modrelay.moderation.text;

import java.util.List;

/** What a non-streamed answer holds for moderation: its texts, or the fact that they cannot be read. */
public sealed interface WholeAnswer {

    /** Every text of the answer, in order. */
    record Texts(List<String> texts) implements WholeAnswer {
        public Texts {
            texts = List.copyOf(texts);
        }
    }

    /** A field where text belongs held something else; {@code reason} names the field, never its content. */
    record Unreadable(String reason) implements WholeAnswer {}
}
