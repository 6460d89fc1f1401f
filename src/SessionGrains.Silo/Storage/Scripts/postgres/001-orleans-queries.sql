-- SessionGrains, PostgreSQL: the table Orleans' ADO.NET providers read their queries from.
--
-- Each provider loads its rows at start (SELECT QueryKey, QueryText FROM OrleansQuery) and refuses
-- to start when a key it needs is missing. The scripts after this one upsert their rows, so that
-- a new release's query text replaces the old one on the next start.
--
-- Every script here runs at every silo start, in file-name order, in one transaction that holds
-- an advisory lock (see PostgresStorage), so each statement must be safe to repeat.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
