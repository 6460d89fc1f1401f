-- SessionGrains, PostgreSQL: the session table. One row per session: the columns the table lists
-- (a shard loads them, by tenant and shard, when it activates) beside the session grain's full
-- state (Orleans binary, token hashes included, never tokens). Version is the row's version.
-- Times are Unix milliseconds; Kind, Status and EndReason are the enums' numbers (append-only).
-- The columns are mapped, once, in SessionColumns; a test holds the two scripts to that map.
CREATE TABLE IF NOT EXISTS Sessions
(
    TenantId           VARCHAR(128)  NOT NULL,
    SessionId          VARCHAR(128)  NOT NULL,
    Shard              INTEGER       NOT NULL,
    Version            BIGINT        NOT NULL,
    UserId             VARCHAR(128)  NOT NULL,
    UserEmail          VARCHAR(320)  NULL,
    SessionName        VARCHAR(200)  NULL,
    Kind               INTEGER       NOT NULL,
    ApiKeyName         VARCHAR(200)  NULL,
    ClientId           VARCHAR(128)  NOT NULL,
    ClientType         VARCHAR(64)   NULL,
    IdentityProvider   VARCHAR(128)  NULL,
    IpAddress          VARCHAR(45)   NOT NULL,
    UserAgent          VARCHAR(1024) NULL,
    MicrotenantId      VARCHAR(128)  NULL,
    Status             INTEGER       NOT NULL,
    CreatedAt          BIGINT        NOT NULL,
    LastActivity       BIGINT        NOT NULL,
    ExpiresAt          BIGINT        NULL,
    IdleTimeoutSeconds INTEGER       NOT NULL,
    EndedAt            BIGINT        NULL,
    EndReason          INTEGER       NULL,
    State              BYTEA         NOT NULL,
    PRIMARY KEY (TenantId, SessionId)
);

-- A shard loads its rows by this index when it activates.
CREATE INDEX IF NOT EXISTS IX_Sessions_Shard ON Sessions (TenantId, Shard);
