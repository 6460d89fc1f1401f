namespace SessionGrains.Silo.Storage;

/// <summary>
/// Deletes in bounded chunks, each its own turn at the writer, so a purge of many rows never holds
/// the SQLite writer long and never makes one long transaction: the audit log's retention and the
/// back-channel logout outbox's.
/// </summary>
public static class ChunkedDelete
{
    /// <summary>
    /// Runs <paramref name="chunk"/> (a DELETE of at most <paramref name="chunkSize"/> rows) until
    /// it deletes fewer; says how many rows went.
    /// </summary>
    public static async Task<long> RunAsync(
        StorageProvider provider, string connectionString, SqlStatement chunk, int chunkSize, CancellationToken cancellationToken)
    {
        long deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            int round;
            using (await provider.EnterWriteAsync(connectionString, cancellationToken))
            {
                await using var connection = provider.CreateConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = SqlStatements.Command(connection, chunk);
                round = await command.ExecuteNonQueryAsync(cancellationToken);
            }

            deleted += round;
            if (round < chunkSize)
            {
                break;
            }
        }

        return deleted;
    }
}
