using System.Reflection;
using System.Text.RegularExpressions;
using Orleans.Configuration;
using Orleans.Storage;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Unit;

/// <summary>The query keys the schema tests require are the ones Orleans' providers really look up.</summary>
[Trait("Category", "Unit")]
public sealed class OrleansQueryKeysTests
{
    [Fact]
    public void The_required_keys_are_the_ones_the_Orleans_providers_ask_for()
    {
        // Orleans checks the keys of clustering and reminders against the internal properties of
        // its DbStoredQueries, and persistence names its keys in one public query; reading both
        // makes an Orleans upgrade that needs a new query fail here, not at a silo's start.
        static IEnumerable<string> StoredQueryKeys(Type anchor, string typeName) =>
            anchor.Assembly.GetType(typeName, throwOnError: true)!
                .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
                .Select(p => p.Name);

        var asked = StoredQueryKeys(typeof(AdoNetClusteringSiloOptions), "Orleans.Clustering.AdoNet.Storage.DbStoredQueries")
            .Concat(StoredQueryKeys(typeof(AdoNetReminderTableOptions), "Orleans.Reminders.AdoNet.Storage.DbStoredQueries"))
            .Concat(Regex.Matches(AdoNetGrainStorage.DefaultInitializationQuery, "'(\\w+)'").Select(m => m.Groups[1].Value));

        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), asked.Distinct().Order(StringComparer.Ordinal));
    }
}
