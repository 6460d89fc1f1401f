using Microsoft.Data.Sqlite;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>SQLite files in the <see cref="TestFolder"/>, deleted with their WAL files on dispose.</summary>
public sealed class SqliteDatabases : ITestDatabases
{
    private readonly List<string> _files = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task<TestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(TestFolder.Create(), $"{Guid.NewGuid():N}.db");
        lock (_files)
        {
            _files.Add(file);
        }

        return Task.FromResult(new TestDatabase(StorageKind.Sqlite, $"Data Source={file}"));
    }

    /// <summary>Call once no host uses the files any more.</summary>
    public Task DisposeAsync()
    {
        // Pooled connections would otherwise keep the files open.
        SqliteConnection.ClearAllPools();
        lock (_files)
        {
            foreach (var file in _files)
            {
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(file + suffix);
                }
            }
        }

        return Task.CompletedTask;
    }
}
