-- SessionGrains, PostgreSQL: the change number of every session row (the id of the transaction
-- that wrote it, see PostgresSessionRowStore), so a session table shard can read the rows written
-- since it last looked instead of trusting that every session grain told it.
ALTER TABLE Sessions ADD COLUMN IF NOT EXISTS Changed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS IX_Sessions_ShardChanges ON Sessions (TenantId, Shard, Changed);
