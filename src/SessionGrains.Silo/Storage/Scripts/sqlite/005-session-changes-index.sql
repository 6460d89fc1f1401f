-- A shard's catch-up reads its rows changed since a watermark, and a write takes one past the
-- highest change number of its shard (SqliteSessionRowStore): both by this index.
CREATE INDEX IF NOT EXISTS IX_Sessions_ShardChanges ON Sessions (TenantId, Shard, Changed);
