namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The command line of one test silo: its own SQLite file, HTTP and Orleans ports, and operator
/// key. The same arguments start it in-process or as a child process.
/// </summary>
public sealed record SiloSettings(string DatabasePath, int HttpPort, int SiloPort, int GatewayPort, string? OperatorKey, string Environment = "Production")
{
    public static SiloSettings Fresh(string? operatorKey = "sgo.test-operator-key-" + "0123456789abcdef")
    {
        var ports = FreePorts.Take(3);
        return new(Path.Combine(Path.GetTempPath(), "sessiongrains-tests", $"{Guid.NewGuid():N}.db"), ports[0], ports[1], ports[2], operatorKey);
    }

    /// <summary>Removes the database and its WAL files once no host uses them.</summary>
    public void DeleteDatabase()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public string[] Args()
    {
        var args = new List<string>
        {
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--environment", Environment,
            $"--SessionGrains:Storage:ConnectionString=Data Source={DatabasePath}",
            $"--SessionGrains:Cluster:SiloPort={SiloPort}",
            $"--SessionGrains:Cluster:GatewayPort={GatewayPort}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
        };
        if (OperatorKey is not null)
        {
            args.Add($"--SessionGrains:Auth:OperatorKey={OperatorKey}");
        }

        return [.. args];
    }
}
