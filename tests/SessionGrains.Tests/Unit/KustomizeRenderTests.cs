using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// kubectl renders k8s/ and its external-database overlay: they build, hold the kinds they should,
/// and what kustomize generates (names with a hash suffix, the namespace) is what the pods refer
/// to. Needs kubectl on the PATH, which scripts/test.sh installs; without it these fail. Runs
/// kubectl only: no cluster, silo or database.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KustomizeRenderTests
{
    private const string Namespace = "sessiongrains";

    private static readonly TimeSpan KubectlTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] SiloKinds =
        ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Namespace", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"];

    [Fact]
    public async Task The_self_contained_install_renders_silos_and_their_database()
    {
        var objects = await RenderAsync("k8s");

        Assert.Equal(
            SiloKinds.Concat(["Secret", "Service", "StatefulSet"]).Order(StringComparer.Ordinal),
            objects.Select(Kind).Order(StringComparer.Ordinal));
        AssertInNamespace(objects);
        AssertReferencesResolve(objects);
        Assert.Equal("postgres", new NpgsqlConnectionStringBuilder(SiloConnectionString(objects)).Host);
    }

    [Fact]
    public async Task The_external_database_overlay_drops_the_database_and_points_the_silos_elsewhere()
    {
        var objects = await RenderAsync(Path.Combine("k8s", "overlays", "external-database"));

        Assert.Equal(SiloKinds.Order(StringComparer.Ordinal), objects.Select(Kind).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(objects, o => (string?)o["metadata"]!["name"] == "postgres" || Name(o).StartsWith("postgres-", StringComparison.Ordinal));
        AssertInNamespace(objects);
        AssertReferencesResolve(objects);

        var overlay = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "k8s", "overlays", "external-database", "silo.env"))
            .Single(l => l.StartsWith("SessionGrains__Storage__ConnectionString=", StringComparison.Ordinal)).Split('=', 2)[1];
        Assert.Equal(overlay, SiloConnectionString(objects));
        Assert.NotEqual("postgres", new NpgsqlConnectionStringBuilder(overlay).Host);
    }

    private static void AssertInNamespace(IReadOnlyList<JsonObject> objects)
    {
        Assert.Single(objects, o => Kind(o) == "Namespace" && Name(o) == Namespace);
        foreach (var o in objects.Where(o => Kind(o) != "Namespace"))
        {
            Assert.True((string?)o["metadata"]!["namespace"] == Namespace, $"{Kind(o)} {Name(o)} is not in {Namespace}.");
        }
    }

    /// <summary>Every ConfigMap and Secret a pod names is one that is rendered, hash suffix and all.</summary>
    private static void AssertReferencesResolve(IReadOnlyList<JsonObject> objects)
    {
        var configMaps = objects.Where(o => Kind(o) == "ConfigMap").Select(Name).ToHashSet();
        var secrets = objects.Where(o => Kind(o) == "Secret").Select(Name).ToHashSet();
        foreach (var pod in objects.Where(o => Kind(o) is "Deployment" or "StatefulSet").Select(o => o["spec"]!["template"]!["spec"]!))
        {
            foreach (var volume in pod["volumes"]?.AsArray() ?? [])
            {
                if (volume!["configMap"] is { } configMap)
                {
                    Assert.Contains((string)configMap["name"]!, configMaps);
                }
            }

            foreach (var container in pod["containers"]!.AsArray())
            {
                foreach (var env in container!["env"]?.AsArray() ?? [])
                {
                    if (env!["valueFrom"]?["secretKeyRef"] is { } reference)
                    {
                        Assert.Contains((string)reference["name"]!, secrets);
                    }
                }

                foreach (var source in container["envFrom"]?.AsArray() ?? [])
                {
                    Assert.Contains((string)source!["secretRef"]!["name"]!, secrets);
                }
            }
        }
    }

    /// <summary>The connection string the silo container gets, read out of the rendered Secret.</summary>
    private static string SiloConnectionString(IReadOnlyList<JsonObject> objects)
    {
        var deployment = objects.Single(o => Kind(o) == "Deployment");
        var reference = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Single(e => (string?)e!["name"] == "SessionGrains__Storage__ConnectionString")!["valueFrom"]!["secretKeyRef"]!;
        var secret = objects.Single(o => Kind(o) == "Secret" && Name(o) == (string?)reference["name"]);
        return Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![(string)reference["key"]!]!));
    }

    private static async Task<IReadOnlyList<JsonObject>> RenderAsync(string folder)
    {
        var kubectl = await ChildProcess.RunAsync("kubectl", ["kustomize", folder], KubectlTimeout);
        Assert.True(kubectl.ExitCode == 0, $"kubectl kustomize {folder} failed ({kubectl.ExitCode}):\n{kubectl.Error}");
        return Yaml.Documents(kubectl.Output);
    }

    private static string Kind(JsonObject o) => (string)o["kind"]!;

    private static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;
}
