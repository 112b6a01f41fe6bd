package modrelay.moderation.text;

/**
 * Text carried by one event for one channel. A channel is one independent text stream whose sentences
 * are framed separately: a choice's content, a choice's reasoning, a Responses output part.
 */
public record TextPiece(String channel, String text) {}
