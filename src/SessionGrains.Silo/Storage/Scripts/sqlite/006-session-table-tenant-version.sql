-- SessionGrains, SQLite: the tenant version a session was signed in under, which orders it
-- against the tenant's logout-alls (LogoutAllRule); 0 for sessions stored before it was kept.
-- SQLite has no ADD COLUMN IF NOT EXISTS: this script is this one statement, and SqliteStorage
-- takes "duplicate column name" as already applied, so applying it at every start stays idempotent.
ALTER TABLE Sessions ADD COLUMN TenantVersion INTEGER NOT NULL DEFAULT 0;
