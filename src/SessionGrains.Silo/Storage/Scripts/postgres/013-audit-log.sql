-- SessionGrains, PostgreSQL: the audit log. One row per administrative action, successful or
-- refused, written by the silo that answered it before it answered (AuditStore). TenantId is ''
-- for the operator's actions outside any tenant. At is Unix milliseconds; AuditId is 32 hex
-- digits, time first, unique across silos (AuditIds). Details is a JSON object. Rows are never updated;
-- the retention purge deletes them by age.
CREATE TABLE IF NOT EXISTS AuditLog
(
    AuditId            CHAR(32)      NOT NULL,
    TenantId           VARCHAR(128)  NOT NULL,
    At                 BIGINT        NOT NULL,
    ActorKeyId         VARCHAR(128)  NOT NULL,
    ActorName          VARCHAR(200)  NULL,
    ActorRole          VARCHAR(32)   NOT NULL,
    ActorMicrotenantId VARCHAR(128)  NULL,
    ClientIp           VARCHAR(64)   NULL,
    Action             VARCHAR(64)   NOT NULL,
    Target             VARCHAR(512)  NULL,
    Outcome            VARCHAR(16)   NOT NULL,
    Details            TEXT          NOT NULL,
    -- The operator's log across tenants, and the retention purge, by age; AuditId alone is not
    -- indexed: nothing looks a record up by it, and every index is one more each commit writes.
    PRIMARY KEY (At, AuditId)
);

-- A tenant's log, newest first, walked by (At, AuditId).
CREATE INDEX IF NOT EXISTS IX_AuditLog_Tenant ON AuditLog (TenantId, At, AuditId);

