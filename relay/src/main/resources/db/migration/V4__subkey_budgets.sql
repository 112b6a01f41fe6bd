-- Token and spend budgets of sub-keys, and what they used. Windows (this minute, day, month; the shared
-- requests-per-minute) are rows of subkey_windows, spent in the same transaction as the key's row. Same SQL
-- for SQLite and PostgreSQL.
ALTER TABLE subkeys ADD COLUMN token_budget BIGINT;
ALTER TABLE subkeys ADD COLUMN tokens_per_day BIGINT;
ALTER TABLE subkeys ADD COLUMN tokens_per_month BIGINT;
ALTER TABLE subkeys ADD COLUMN tokens_per_minute BIGINT;
ALTER TABLE subkeys ADD COLUMN spend_budget DOUBLE PRECISION;
ALTER TABLE subkeys ADD COLUMN tokens_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subkeys ADD COLUMN spend_used DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE TABLE subkey_windows (
    key_id    VARCHAR(40) NOT NULL,
    window_id VARCHAR(24) NOT NULL,
    tokens    BIGINT      NOT NULL DEFAULT 0,
    requests  BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, window_id)
);
