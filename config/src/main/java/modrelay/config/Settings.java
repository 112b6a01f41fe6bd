package modrelay.config;

/** The whole, validated settings tree. Immutable; built once at start by {@link SettingsLoader}. */
public record Settings(
        ServerSettings server,
        UpstreamSettings upstream,
        AccessSettings access,
        ModerationSettings moderation) {}
