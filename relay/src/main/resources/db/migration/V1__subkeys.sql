-- Sub-keys: keys that stand in for the upstream key(s). Same SQL for SQLite and PostgreSQL:
-- times are epoch milliseconds, model lists are JSON arrays of globs, ids and secrets are made by the relay.
CREATE TABLE subkeys (
    id               VARCHAR(40)  NOT NULL PRIMARY KEY,
    name             VARCHAR(200) NOT NULL,
    secret_sha256    CHAR(64)     NOT NULL UNIQUE,
    secret_hint      VARCHAR(16)  NOT NULL,
    created_at       BIGINT       NOT NULL,
    expires_at       BIGINT,
    revoked_at       BIGINT,
    remaining        BIGINT,
    used             BIGINT       NOT NULL DEFAULT 0,
    last_used_at     BIGINT,
    rpm              INTEGER,
    allowed_models   TEXT         NOT NULL,
    denied_models    TEXT         NOT NULL,
    moderation_floor VARCHAR(8)
);
