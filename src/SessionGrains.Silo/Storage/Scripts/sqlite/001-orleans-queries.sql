-- SessionGrains, SQLite: the table Orleans' ADO.NET providers read their queries from.
-- Applied at every start; every statement is idempotent.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
