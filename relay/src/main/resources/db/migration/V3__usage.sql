-- Token usage per day (UTC), sub-key and model, summed from every exchange's record in batches.
-- key_id is '' for the proxy key (a NULL would not take part in the primary key). cost stays NULL while no
-- exchange of the row had a price (PRICES). Same SQL for SQLite and PostgreSQL.
CREATE TABLE usage_daily (
    day                VARCHAR(10)  NOT NULL,
    key_id             VARCHAR(40)  NOT NULL,
    model              VARCHAR(200) NOT NULL,
    requests           BIGINT       NOT NULL DEFAULT 0,
    prompt_tokens      BIGINT       NOT NULL DEFAULT 0,
    completion_tokens  BIGINT       NOT NULL DEFAULT 0,
    cached_tokens      BIGINT       NOT NULL DEFAULT 0,
    reasoning_tokens   BIGINT       NOT NULL DEFAULT 0,
    estimated_requests BIGINT       NOT NULL DEFAULT 0,
    cost               DOUBLE PRECISION,
    PRIMARY KEY (day, key_id, model)
);
CREATE INDEX usage_daily_key ON usage_daily (key_id, day);
