package modrelay.moderation.stage;

import modrelay.moderation.Verdict;

/** A release unit with its verdict (null for a pass-through unit, which needs none). */
record Moderated(ReleaseUnit unit, Verdict verdict) {}
