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
