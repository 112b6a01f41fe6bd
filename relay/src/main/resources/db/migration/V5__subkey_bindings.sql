-- Sub-key bindings: the upstream a key is pinned to, parameter defaults and caps, as one JSON object
-- {"upstream": "deepseek", "defaults": {"temperature": 0.3}, "caps": {"max_tokens": 1024}}. Keys from before
-- bindings existed have none ('{}'). Same SQL for SQLite and PostgreSQL.
ALTER TABLE subkeys ADD COLUMN binding TEXT NOT NULL DEFAULT '{}';
