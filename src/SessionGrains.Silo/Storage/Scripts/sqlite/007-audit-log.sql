-- SessionGrains, SQLite: the audit log. One row per administrative action, successful or
-- refused, written by the silo that answered it before it answered (AuditStore). TenantId is ''
-- for the operator's actions outside any tenant. At is Unix milliseconds; AuditId is 32 hex
-- digits, time first, unique across silos (AuditIds). Details is a JSON object. Rows are never updated;
-- the retention purge deletes them by age.
CREATE TABLE IF NOT EXISTS AuditLog
(
    AuditId            TEXT    NOT NULL,
    TenantId           TEXT    NOT NULL,
    At                 INTEGER NOT NULL,
    ActorKeyId         TEXT    NOT NULL,
    ActorName          TEXT    NULL,
    ActorRole          TEXT    NOT NULL,
    ActorMicrotenantId TEXT    NULL,
    ClientIp           TEXT    NULL,
    Action             TEXT    NOT NULL,
    Target             TEXT    NULL,
    Outcome            TEXT    NOT NULL,
    Details            TEXT    NOT NULL
);

-- A tenant's log, newest first, walked by (At, AuditId).
CREATE INDEX IF NOT EXISTS IX_AuditLog_Tenant ON AuditLog (TenantId, At, AuditId);

-- The operator's log across tenants, and the retention purge, by age; also what makes a record
-- unique. AuditId alone is not indexed: nothing looks a record up by it, and every index is one
-- more b-tree each record's commit writes.
CREATE UNIQUE INDEX IF NOT EXISTS UX_AuditLog_At ON AuditLog (At, AuditId);
