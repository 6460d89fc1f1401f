using System.Data;
using System.Data.Common;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>Reading and writing a test database directly, past every grain and store of the silo.</summary>
public static class TestDatabaseQueries
{
    /// <summary>Runs a query with <c>@p0</c>, <c>@p1</c>... bound to <paramref name="args"/> and returns its first value.</summary>
    public static async Task<object?> ScalarAsync(this TestDatabase database, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"p{i}";
            parameter.Value = args[i];
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static async Task ExecuteAsync(this TestDatabase database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every row of every result set, as Orleans' RelationalStorage reads them.</summary>
    public static async Task<List<object?[]>> RowsAsync(
        this TestDatabase database, string sql, CancellationToken cancellationToken, Action<DbCommand> bind)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return rows;
    }

    /// <summary>Binds a typed parameter the way Orleans' ADO.NET providers do (null as DBNull).</summary>
    public static void Add(this DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static async Task<DbConnection> OpenAsync(TestDatabase database, CancellationToken cancellationToken)
    {
        var connection = database.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
