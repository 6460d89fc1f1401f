-- A shard's catch-up reads its rows changed since a watermark; a write takes one past the highest
-- change number (SqliteSessionRowStore), which the second index finds without a scan.
CREATE INDEX IF NOT EXISTS IX_Sessions_ShardChanges ON Sessions (TenantId, Shard, Changed);
CREATE INDEX IF NOT EXISTS IX_Sessions_Changed ON Sessions (Changed);
