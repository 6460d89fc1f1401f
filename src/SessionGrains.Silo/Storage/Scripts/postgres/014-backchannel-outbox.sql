-- SessionGrains, PostgreSQL: the back-channel logout outbox. One row per ended session of a client
-- with a back-channel logout URI, inserted in the same transaction that stores the session's end
-- (or, for a logout-all, by one INSERT … SELECT over the sessions it covers), so no end that was
-- stored can lose its notice. Status: 0 pending, 1 delivered, 2 failed (given up after the retry
-- window). DueAt is when a silo may next take the row: claiming it moves DueAt one lease ahead, so
-- a silo that dies mid-delivery leaves it to be taken again. Times are Unix milliseconds.
CREATE TABLE IF NOT EXISTS BackchannelOutbox
(
    TenantId      VARCHAR(128)  NOT NULL,
    SessionId     VARCHAR(128)  NOT NULL,
    ClientId      VARCHAR(128)  NOT NULL,
    UserId        VARCHAR(128)  NOT NULL,
    Uri           VARCHAR(2048) NOT NULL,
    Receiver      VARCHAR(2048) NOT NULL,
    Status        INTEGER       NOT NULL,
    Attempts      INTEGER       NOT NULL,
    QueuedAt      BIGINT        NOT NULL,
    DueAt         BIGINT        NOT NULL,
    LastAttemptAt BIGINT        NULL,
    LastError     VARCHAR(512)  NULL,
    PRIMARY KEY (TenantId, SessionId)
);

-- What the delivery workers claim: a receiver's pending rows by due time; and, one seek per
-- receiver (a loose index scan), which receivers have a row due.
CREATE INDEX IF NOT EXISTS IX_BackchannelOutbox_Receiver ON BackchannelOutbox (Status, Receiver, DueAt);

-- A client's progress (pending, delivered, failed).
CREATE INDEX IF NOT EXISTS IX_BackchannelOutbox_Client ON BackchannelOutbox (TenantId, ClientId, Status);
