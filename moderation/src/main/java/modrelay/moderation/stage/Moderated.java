package modrelay.moderation.stage;

import modrelay.moderation.Verdict;

/** A release unit after the moderation step: what the release stage decides on. */
sealed interface Moderated {

    ReleaseUnit unit();

    /** Events without text: released in their place, no verdict needed. */
    record Unjudged(ReleaseUnit.Passthrough unit) implements Moderated {}

    /** A frame and the verdict on its text. */
    record Judged(ReleaseUnit.Frame unit, Verdict verdict) implements Moderated {}

    /** An event that could not be read: cut (fail closed), unless the request is not moderated. */
    record Unreadable(ReleaseUnit.Unreadable unit) implements Moderated {}
}
