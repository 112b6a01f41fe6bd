-- Live configuration of upstreams (docs/configuration.md, "Live upstream configuration"). One row per upstream:
-- its definition is one UPSTREAMS entry as JSON, keys included (secrets: never shown back by the admin API), and
-- position keeps the configuration order (the first upstream takes requests without a model). Every change
-- leaves one config_audit row: who (the admin token's fingerprint, or env-seed), what, and a summary of the
-- change in which keys appear only as counts and hints. Times are epoch milliseconds. Same SQL for SQLite and
-- PostgreSQL.
CREATE TABLE upstreams (
    name       VARCHAR(64) NOT NULL PRIMARY KEY,
    position   INTEGER     NOT NULL,
    definition TEXT        NOT NULL,
    updated_at BIGINT      NOT NULL
);
CREATE TABLE config_audit (
    id       VARCHAR(40) NOT NULL PRIMARY KEY,
    at       BIGINT      NOT NULL,
    actor    VARCHAR(80) NOT NULL,
    action   VARCHAR(20) NOT NULL,
    upstream VARCHAR(64) NOT NULL,
    summary  TEXT        NOT NULL
);
CREATE INDEX config_audit_at ON config_audit (at);
