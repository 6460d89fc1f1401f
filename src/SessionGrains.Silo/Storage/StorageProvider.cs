using System.Data.Common;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// One supported database: the ADO.NET invariant Orleans loads it by, and the project's own
/// schema scripts for it (embedded resources under Storage/Scripts/{folder}), applied in name order.
/// </summary>
public abstract class StorageProvider
{
    /// <summary>The invariant name Orleans' ADO.NET providers resolve the driver by.</summary>
    public abstract string Invariant { get; }

    /// <summary>True when the provider also holds cluster membership (several silos).</summary>
    public abstract bool HostsClustering { get; }

    /// <summary>Creates or upgrades the schema; safe to run at every start and from several silos at once.</summary>
    public abstract Task ApplySchemaAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>The session table in this database (see <c>ISessionRowStore</c>).</summary>
    public abstract SessionTable.SessionRowStore CreateSessionRowStore(string connectionString, ILoggerFactory loggers);

    /// <summary>A new, closed connection to the database.</summary>
    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Waits, where the database needs it, for this process's turn to write (null: no wait).</summary>
    public virtual async ValueTask<IDisposable?> EnterWriteAsync(string connectionString, CancellationToken cancellationToken) =>
        await ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// Answers when the database holds the schema: it reads the query table rather than a
    /// constant, so a database the scripts have not run on is not ready.
    /// </summary>
    public async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansQuery";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The provider named by configuration (<c>sqlite</c> or <c>postgres</c>).</summary>
    public static StorageProvider For(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sqlite" => new SqliteStorage(),
        "postgres" or "postgresql" => new PostgresStorage(),
        _ => throw new InvalidOperationException(
            $"SessionGrains:Storage:Provider '{name}' is not supported; use 'sqlite' or 'postgres'."),
    };

    /// <summary>The text of this provider's scripts, in the order they apply.</summary>
    protected IEnumerable<string> Scripts(string folder)
    {
        var assembly = typeof(StorageProvider).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.Scripts.{folder}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return reader.ReadToEnd();
        }
    }
}
