using System.Data;
using System.Data.Common;

namespace SessionGrains.Silo.Storage;

/// <summary>One SQL statement with its named parameters (a null value is sent as NULL; a type, where given, fixes the parameter's type).</summary>
public sealed record SqlStatement(string Sql, IReadOnlyList<(string Name, object? Value, DbType? Type)> Parameters);

/// <summary>Commands with named parameters, the one way the project's own stores talk to their database.</summary>
public static class SqlStatements
{
    /// <summary>A command with named parameters (nulls as DBNull), untyped.</summary>
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command.Parameters, command.CreateParameter, parameters.Select(p => (p.Name, p.Value, (DbType?)null)));
        return command;
    }

    /// <summary>A command of one statement, its parameters typed where the statement types them.</summary>
    public static DbCommand Command(DbConnection connection, SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Sql;
        Bind(command.Parameters, command.CreateParameter, statement.Parameters);
        return command;
    }

    /// <summary>
    /// Runs <paramref name="statements"/> in <paramref name="transaction"/> and says how many rows
    /// each affected: in one round trip where the driver has batches (PostgreSQL: a row at a time,
    /// the writer would wait a round trip per row, and that wait, not the commit, bounded a silo's
    /// durable sign-ins), else one after another (SQLite, in process).
    /// </summary>
    public static async Task<int[]> ExecuteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SqlStatement> statements)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                Bind(command.Parameters, command.CreateParameter, statement.Parameters);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
            return [.. batch.BatchCommands.Select(c => c.RecordsAffected)];
        }

        var affected = new int[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statements[i].Sql;
            Bind(command.Parameters, command.CreateParameter, statements[i].Parameters);
            command.Transaction = transaction;
            affected[i] = await command.ExecuteNonQueryAsync();
        }

        return affected;
    }

    private static void Bind(DbParameterCollection target, Func<DbParameter> create, IEnumerable<(string Name, object? Value, DbType? Type)> parameters)
    {
        foreach (var (name, value, type) in parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            if (type is { } known)
            {
                parameter.DbType = known;
            }

            parameter.Value = value ?? DBNull.Value;
            target.Add(parameter);
        }
    }
}
