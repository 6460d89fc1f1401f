using System.Text.Json;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The production profile logs one JSON object a line on standard output, which a log collector
/// reads without guessing where a record ends: the built silo as a process on PostgreSQL, with
/// <c>--SessionGrains:Profile=production</c>, serving real requests. No line carries the operator key.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class ProductionLogsTests(PostgresDatabases databases)
{
    private static readonly TimeSpan LogLimit = TimeSpan.FromSeconds(30);

    private static readonly string[] Fields = ["Timestamp", "EventId", "LogLevel", "Category", "Message"];

    [Fact]
    public async Task Every_line_on_standard_output_is_one_json_log_record_and_none_holds_the_operator_key()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database) with
        {
            // Information too, so the records of the requests below are there to read.
            Configuration = ["SessionGrains:Profile=production", "Logging:LogLevel:Default=Information"],
        };
        await using var silo = await SiloProcess.StartAsync(settings);
        using var api = new ApiClient(settings.BaseAddress, SiloSettings.TestOperatorKey);
        var tenant = TestData.Id("logs");
        await api.CreateTenantAsync(tenant);
        var service = (await api.CreateKeyAsync(tenant, "service")).Key;
        var session = await api.SignInAsync(tenant, service, "ada");
        await api.ValidateAsync(tenant, service, session.Str("token"));

        // The sign-in activated the user's session table shard, which logs that it loaded.
        await Poll.UntilAsync(
            _ => Task.FromResult(silo.StandardOutput.Any(line => line.Contains("SessionTableShardGrain", StringComparison.Ordinal))),
            LogLimit,
            () => $"No shard load was logged:\n{silo.Output}",
            CancellationToken.None);
        await silo.KillAsync();

        var lines = silo.StandardOutput.Where(line => line.Trim().Length > 0).ToList();
        Assert.True(lines.Count >= 3, $"Only {lines.Count} lines:\n{silo.Output}");
        foreach (var line in lines)
        {
            using var record = ParseRecord(line);
            var root = record.RootElement;
            Assert.Equal(JsonValueKind.Object, root.ValueKind);
            foreach (var field in Fields)
            {
                Assert.True(root.TryGetProperty(field, out _), $"No {field} in: {line}");
            }

            Assert.EndsWith("Z", root.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("Category").GetString()), line);
        }

        Assert.Contains(lines, line => line.Contains("\"Microsoft.Hosting.Lifetime\"", StringComparison.Ordinal));
        Assert.DoesNotContain(SiloSettings.TestOperatorKey, silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(service, silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Str("token"), silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generated_development_key_is_shown_beside_the_log_stream_not_in_it()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database, operatorKey: null) with
        {
            Environment = "Development",
            Configuration = ["SessionGrains:Profile=production", "Logging:LogLevel:Default=Information"],
        };
        await using var silo = await SiloProcess.StartAsync(settings);
        string? key = null;
        await Poll.UntilAsync(
            _ => Task.FromResult((key = silo.GeneratedOperatorKey) is not null),
            LogLimit,
            () => $"No generated key was shown:\n{silo.Output}",
            CancellationToken.None);

        // Shown once, and it works.
        using var api = new ApiClient(settings.BaseAddress, key!);
        await api.CreateTenantAsync(TestData.Id("logs"));
        await silo.KillAsync();

        var lines = silo.StandardOutput.Where(line => line.Trim().Length > 0).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => ParseRecord(line).Dispose());
        Assert.DoesNotContain(lines, line => line.Contains(key!, StringComparison.Ordinal));
    }

    private static JsonDocument ParseRecord(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"Not a JSON record ({ex.Message}): {line}");
        }
    }
}
