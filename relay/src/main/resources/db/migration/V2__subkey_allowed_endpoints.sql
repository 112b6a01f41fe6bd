-- Endpoint allowlists: a JSON array of group ids ("chat"), endpoint names ("files.create") or "*".
-- Keys from before allowlists existed get the default groups (the ones that touch no stored object of
-- another tenant); files, batches, fine_tuning, assistants, ... must be granted. Same SQL for SQLite and PostgreSQL.
ALTER TABLE subkeys ADD COLUMN allowed_endpoints TEXT NOT NULL
    DEFAULT '["chat","completions","responses","embeddings","models","audio"]';
