-- SessionGrains, SQLite: the change number of every session row, so a session table shard can
-- read the rows written since it last looked (SessionRowStore.ReadShardChangesAsync) instead of
-- trusting that every session grain told it. SQLite cannot add a column "if not exists": this
-- file holds this one statement, and SqliteStorage counts "duplicate column name" as applied.
ALTER TABLE Sessions ADD COLUMN Changed INTEGER NOT NULL DEFAULT 0;
