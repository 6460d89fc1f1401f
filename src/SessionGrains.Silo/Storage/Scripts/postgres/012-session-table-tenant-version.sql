-- SessionGrains, PostgreSQL: the tenant version a session was signed in under, which orders it
-- against the tenant's logout-alls (LogoutAllRule); 0 for sessions stored before it was kept.
ALTER TABLE Sessions ADD COLUMN IF NOT EXISTS TenantVersion BIGINT NOT NULL DEFAULT 0;
