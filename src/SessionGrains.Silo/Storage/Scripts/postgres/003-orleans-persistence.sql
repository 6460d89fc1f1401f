-- SessionGrains, PostgreSQL: grain state for Orleans' ADO.NET grain storage.
--
-- The contract (Orleans.Persistence.AdoNet): the provider binds @GrainIdHash, @GrainIdN0,
-- @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
-- @GrainStateVersion and @PayloadBinary, reads PayloadBinary and Version back, and expects
-- writes and clears to return the new version as NewGrainStateVersion, or no row at all when
-- the version it holds is stale (it then raises an inconsistent-state error). A delete returns
-- the deleted version + 1, which the provider only compares with the one it held.
--
-- One row per grain state. The hashes lead the unique index so a lookup is a narrow seek; the
-- strings behind them settle the rare hash collision. The extension string is NULL for most
-- grain ids, and NULLs never collide in a unique index, hence the COALESCE in the index and in
-- every lookup (the same expression, so the planner can use the index). A row's Version grows
-- by one per write and never goes back, which is what makes the optimistic check sound.

-- Most writes replace the state of a row that exists (a user's denylist flag, a tenant's policy,
-- keys and logout-alls; sessions have their own table) and touch no indexed column; the free tenth of each page lets PostgreSQL keep such updates on the
-- same page (HOT), with no index write.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NOT NULL
) WITH (fillfactor = 90);

CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, COALESCE(GrainIdExtensionString, ''));

-- A caller without a version (it read nothing) may only create the row; a caller with one may only
-- replace that exact version. At most one of the two branches returns a row, and neither does
-- when another activation got there first: the unique index turns a racing insert into no row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $sql$
    WITH updated AS (
        UPDATE OrleansStorage
        SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
        WHERE @GrainStateVersion IS NOT NULL
            AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
            AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
            AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
            AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
            AND Version = @GrainStateVersion
        RETURNING Version
    ), inserted AS (
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING Version
    )
    SELECT Version AS NewGrainStateVersion FROM updated
    UNION ALL
    SELECT Version FROM inserted;
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $sql$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '');
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Clearing keeps the row (payload NULL, version + 1) so that versions never go back: a stale
-- activation that still holds the old version cannot write over the clear.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $sql$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
        AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Used when a storage is configured to delete rows on clear (none is today; the provider still
-- asks for the key). It treats an empty or unchanged version as a conflict, so a successful delete answers
-- with a version that differs from the one the caller held.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $sql$
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
        AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
