-- SessionGrains, SQLite: the session table. One row per session: the columns the table lists
-- (a shard loads them, by tenant and shard, when it activates) beside the session grain's full
-- state (Orleans binary, token hashes included, never tokens). Version is the row's version.
-- Times are Unix milliseconds; Kind, Status and EndReason are the enums' numbers (append-only).
-- Only what changes after sign-in is ever updated; the rest is written once. The columns are
-- mapped, once, in SessionColumns; a test holds the two scripts to that map.
CREATE TABLE IF NOT EXISTS Sessions
(
    TenantId           TEXT    NOT NULL,
    SessionId          TEXT    NOT NULL,
    Shard              INTEGER NOT NULL,
    Version            INTEGER NOT NULL,
    UserId             TEXT    NOT NULL,
    UserEmail          TEXT    NULL,
    SessionName        TEXT    NULL,
    Kind               INTEGER NOT NULL,
    ApiKeyName         TEXT    NULL,
    ClientId           TEXT    NOT NULL,
    ClientType         TEXT    NULL,
    IdentityProvider   TEXT    NULL,
    IpAddress          TEXT    NOT NULL,
    UserAgent          TEXT    NULL,
    MicrotenantId      TEXT    NULL,
    Status             INTEGER NOT NULL,
    CreatedAt          INTEGER NOT NULL,
    LastActivity       INTEGER NOT NULL,
    ExpiresAt          INTEGER NULL,
    IdleTimeoutSeconds INTEGER NOT NULL,
    EndedAt            INTEGER NULL,
    EndReason          INTEGER NULL,
    State              BLOB    NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS UX_Sessions ON Sessions (TenantId, SessionId);

-- A shard loads its rows by this index when it activates.
CREATE INDEX IF NOT EXISTS IX_Sessions_Shard ON Sessions (TenantId, Shard);
