using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Npgsql;
using SessionGrains.Silo.Health;
using SessionGrains.Silo.Hosting;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// k8s/ and the Dockerfile agree with each other and with the silo: every file is listed and
/// parses, every variable set is one the silo reads, ports, probes, labels and selectors line
/// up, the profile is the production one, the secrets hold the keys the pods take, and the grace
/// period outlasts the silo's own stop. Read from the repository's files; nothing is started.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KubernetesManifestTests
{
    private const string Name = "app.kubernetes.io/name";
    private const string Component = "app.kubernetes.io/component";
    private const string Profile = "production";

    private static readonly string K8s = Path.Combine(RepositoryRoot.Path, "k8s");
    private static readonly string ExternalDatabase = Path.Combine(K8s, "overlays", "external-database");

    /// <summary>k8s/ and every overlay: the folders a user applies.</summary>
    private static readonly string[] Entrypoints = [K8s, .. Directory.GetDirectories(Path.Combine(K8s, "overlays"))];

    private static readonly Kustomization[] All = Entrypoints
        .SelectMany(e => Kustomization.Load(e).WithBases())
        .DistinctBy(k => k.Folder)
        .ToArray();

    private static readonly Kustomization Base = All.Single(k => k.Resources.Any(r => Kind(r) == "Deployment"));

    private static readonly JsonObject[] Resources = Base.Resources.ToArray();

    private static readonly JsonObject Deployment = Single("Deployment");

    private static readonly JsonObject Silo = Deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
        .Single(c => (string)c!["name"]! == "silo")!.AsObject();

    private static readonly Dockerfile Image = Dockerfile.Load(Path.Combine(RepositoryRoot.Path, "Dockerfile"));

    [Fact]
    public void Every_resource_a_kustomization_lists_exists_and_parses()
    {
        Assert.Contains(All, k => k.Folder == Path.GetFullPath(ExternalDatabase));
        foreach (var kustomization in All)
        {
            foreach (var file in kustomization.ListedFiles.Concat(kustomization.Bases.Select(b => Path.Combine(b, Kustomization.FileName))))
            {
                Assert.True(File.Exists(file), $"{kustomization.Folder} lists {file}, which does not exist.");
            }

            foreach (var resource in kustomization.Resources)
            {
                Assert.False(string.IsNullOrEmpty((string?)resource["apiVersion"]), $"A resource without apiVersion in {kustomization.Folder}.");
                Assert.False(string.IsNullOrEmpty((string?)resource["metadata"]?["name"]), $"A {Kind(resource)} without a name in {kustomization.Folder}.");
            }
        }

        // The kinds the brief asks of a self-contained install.
        Assert.Equal(
            ["Deployment", "HorizontalPodAutoscaler", "Namespace", "PodDisruptionBudget", "Service", "Service", "ServiceAccount", "StatefulSet"],
            Resources.Select(Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_file_under_k8s_is_listed_by_a_kustomization()
    {
        var listed = All.SelectMany(k => k.ListedFiles).ToHashSet();
        var unlisted = Directory.GetFiles(K8s, "*", SearchOption.AllDirectories)
            .Select(Path.GetFullPath)
            .Where(f => !listed.Contains(f))
            .ToList();
        Assert.True(unlisted.Count == 0, $"Files no kustomization lists (kubectl apply -k would ignore them):\n{string.Join("\n", unlisted)}");
    }

    [Fact]
    public void Every_resource_and_generated_object_carries_the_app_labels()
    {
        var labelled = Resources.Select(r => ($"{Kind(r)} {(string)r["metadata"]!["name"]!}", r["metadata"]!["labels"] as JsonObject))
            .Concat(All.SelectMany(k => k.Generators).Select(g => ($"{g.Kind} {g.Name}", g.Labels)))
            .Concat(Single("StatefulSet")["spec"]!["volumeClaimTemplates"]!.AsArray().Select(t => ("claim template", t!["metadata"]!["labels"] as JsonObject)));
        foreach (var (what, labels) in labelled)
        {
            Assert.True((string?)labels?[Name] == "sessiongrains", $"{what}: {Name} is not sessiongrains.");
            Assert.False(string.IsNullOrEmpty((string?)labels?[Component]), $"{what}: no {Component}.");
        }
    }

    [Fact]
    public void Every_variable_the_silo_container_sets_is_one_the_silo_reads()
    {
        // The derivation found the sections the silo binds, so an empty set cannot pass.
        Assert.Contains(SessionGrainsOptions.Section, SiloVariables.Sections.Keys);
        Assert.Contains(SessionGrains.Grains.SessionTable.SessionTableOptions.Section, SiloVariables.Sections.Keys);
        Assert.Contains(SessionGrains.Grains.Caching.TenantCacheOptions.Section, SiloVariables.Sections.Keys);

        var set = Silo["env"]!.AsArray().Select(e => (string)e!["name"]!).ToList();
        var fromSecrets = All.SelectMany(k => k.Generators).Where(g => g.Name == SiloSecret).SelectMany(g => g.EnvEntries().Keys);
        var fromImage = Image.Final.All("ENV").SelectMany(EnvNames);

        var unread = SiloVariables.Unread(set.Concat(fromSecrets).Concat(fromImage));
        Assert.True(unread.Count == 0, $"Variables the silo does not read (misspelt?): {string.Join(", ", unread)}");
        Assert.Contains("SessionGrains__Storage__ConnectionString", set);
        Assert.Contains("SessionGrains__Auth__OperatorKey", set);
        Assert.Contains("SessionGrains__SigningKeys__EncryptionKey", set);
        Assert.Equal(Profile, EnvValue("SessionGrains__Profile"));
    }

    [Theory]
    [InlineData("SessionGrains__Storage__ConnectionStrin")]
    [InlineData("SessionGrains__Clustre__SiloPort")]
    [InlineData("SessionGrains__Cluster__ShutdownDelay")]
    [InlineData("SessionGrains__Cluster")]
    [InlineData("SessionGrains__SessionTable__Retention")]
    [InlineData("SessionGrains__TenantCache__Lease")]
    [InlineData("SessionGrains_Auth_OperatorKey")]
    [InlineData("POD_ADDRESS")]
    [InlineData("Logging__")]
    public void A_variable_the_silo_does_not_read_is_rejected(string name) =>
        Assert.Equal([name], SiloVariables.Unread([name]));

    [Theory]
    [InlineData("SessionGrains__Cluster__ShutdownDelaySeconds")]
    [InlineData("SessionGrains__Cluster__AdvertisedIP")]
    [InlineData("SessionGrains__SessionTable__RetentionDays")]
    [InlineData("SessionGrains__Index__ShardsPerTenant")]
    [InlineData("SessionGrains__TenantCache__LeaseSeconds")]
    [InlineData("SessionGrains__Profile")]
    [InlineData("sessiongrains__auth__operatorkey")]
    [InlineData("Logging__LogLevel__Orleans")]
    [InlineData("ASPNETCORE_HTTP_PORTS")]
    public void A_variable_the_silo_reads_is_accepted(string name) =>
        Assert.Empty(SiloVariables.Unread([name]));

    [Fact]
    public void The_container_ports_are_the_http_port_and_the_profile_s_Orleans_ports()
    {
        var options = ProfileOptions();
        Assert.Equal(
            new Dictionary<string, long> { ["http"] = HttpPort, ["silo"] = options.Cluster.SiloPort, ["gateway"] = options.Cluster.GatewayPort },
            ContainerPorts(Silo));
        Assert.Equal(HttpPort.ToString(), EnvValue("ASPNETCORE_HTTP_PORTS"));
    }

    [Fact]
    public void The_probes_ask_health_routes_the_host_maps_on_a_named_port()
    {
        Assert.Equal(HealthRoutes.Ready, ProbePath("readinessProbe"));
        Assert.Equal(HealthRoutes.Live, ProbePath("livenessProbe"));
        // Liveness' route, so a start that is slow to get ready is not restarted for it.
        Assert.Equal(HealthRoutes.Live, ProbePath("startupProbe"));
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.Contains((string)Silo[probe]!["httpGet"]!["port"]!, ContainerPorts(Silo).Keys);
        }

        // A slow start gets far longer than the liveness probe would give it.
        var startup = Silo["startupProbe"]!;
        Assert.True((long)startup["periodSeconds"]! * (long)startup["failureThreshold"]! >= 120);
    }

    [Fact]
    public void Selectors_match_the_pods_they_are_meant_for()
    {
        var silos = TemplateLabels(Deployment);
        AssertSelects(Selector(Deployment["spec"]!["selector"]!["matchLabels"]), silos);
        Assert.Equal(3, (long)Deployment["spec"]!["replicas"]!);

        var service = Resources.Single(r => Kind(r) == "Service" && r["spec"]!["clusterIP"] is null);
        Assert.Equal("ClusterIP", (string?)service["spec"]!["type"]);
        Assert.Equal(silos, Selector(service["spec"]!["selector"]));

        var pdb = Single("PodDisruptionBudget");
        Assert.Equal(silos, Selector(pdb["spec"]!["selector"]!["matchLabels"]));
        Assert.True((long?)pdb["spec"]!["maxUnavailable"] == 1 || (long?)pdb["spec"]!["minAvailable"] == 2);

        var hpa = Single("HorizontalPodAutoscaler");
        Assert.Equal("autoscaling/v2", (string?)hpa["apiVersion"]);
        var target = hpa["spec"]!["scaleTargetRef"]!;
        Assert.Equal(("apps/v1", "Deployment", (string?)Deployment["metadata"]!["name"]),
            ((string?)target["apiVersion"], (string?)target["kind"], (string?)target["name"]));
        Assert.Equal(3, (long)hpa["spec"]!["minReplicas"]!);
        Assert.True((long)hpa["spec"]!["maxReplicas"]! > 3);
        Assert.Equal("cpu", (string?)hpa["spec"]!["metrics"]![0]!["resource"]!["name"]);
        Assert.NotNull(Silo["resources"]!["requests"]!["cpu"]); // utilisation is measured against it

        var database = Single("StatefulSet");
        var databasePods = TemplateLabels(database);
        AssertSelects(Selector(database["spec"]!["selector"]!["matchLabels"]), databasePods);
        Assert.NotEqual(silos[Component], databasePods[Component]);
        var headless = Resources.Single(r => Kind(r) == "Service" && (string?)r["metadata"]!["name"] == (string?)database["spec"]!["serviceName"]);
        Assert.Equal("None", (string?)headless["spec"]!["clusterIP"]);
        Assert.Equal(databasePods, Selector(headless["spec"]!["selector"]));
        Assert.Contains((string)headless["spec"]!["ports"]![0]!["targetPort"]!, ContainerPorts(database["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject()).Keys);
        var claim = (string)database["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]!;
        Assert.Contains(database["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == claim);
        Assert.Equal("postgres:15", (string?)database["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);

        Assert.Equal((string?)Single("ServiceAccount")["metadata"]!["name"], (string?)Deployment["spec"]!["template"]!["spec"]!["serviceAccountName"]);
    }

    [Fact]
    public void The_Service_targets_the_http_port_by_name()
    {
        var service = Resources.Single(r => Kind(r) == "Service" && r["spec"]!["clusterIP"] is null);
        Assert.Equal(["http"], service["spec"]!["ports"]!.AsArray().Select(p => (string)p!["targetPort"]!));
        Assert.Equal(HttpPort, ContainerPorts(Silo)["http"]);
    }

    [Fact]
    public void The_ConfigMap_holds_the_production_profile_mounted_where_the_silo_reads_it()
    {
        var generator = Base.Generators.Single(g => g.Kind == "ConfigMap");
        var (key, file) = generator.Files.Single();
        Assert.Equal($"{Profile}.json", key);
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "silo-config", $"{Profile}.json")), File.ReadAllBytes(file));

        using (JsonDocument.Parse(File.ReadAllText(file)))
        {
            // Valid JSON, else the binding below would say less clearly why it failed.
        }

        var options = ProfileOptions();
        Assert.Equal("postgres", options.Storage.Provider);

        // Mounted over the image's copy: WORKDIR/silo-config/<profile>.json, the file SiloApp loads.
        var volume = Deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray()
            .Single(v => (string?)v!["configMap"]?["name"] == generator.Name)!;
        var mount = Silo["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == (string?)volume["name"])!;
        Assert.Equal($"{Image.Final.Last("WORKDIR")}/silo-config/{key}", (string?)mount["mountPath"]);
        Assert.Equal(key, (string?)mount["subPath"]);
        Assert.Equal(Profile, EnvValue("SessionGrains__Profile"));
    }

    [Fact]
    public void The_secret_keys_the_pods_take_exist_and_the_database_credentials_agree()
    {
        foreach (var kustomization in All.Where(k => k.Generators.Any(g => g.Kind == "Secret")))
        {
            var secrets = kustomization.WithBases().SelectMany(k => k.Generators).Where(g => g.Kind == "Secret")
                .GroupBy(g => g.Name)
                .ToDictionary(g => g.Key, g => g.First().EnvEntries()); // nearest first: an overlay's replace wins
            foreach (var reference in Silo["env"]!.AsArray().Select(e => e!["valueFrom"]?["secretKeyRef"]).OfType<JsonNode>())
            {
                var name = (string)reference["name"]!;
                Assert.True(secrets.TryGetValue(name, out var entries), $"{kustomization.Folder}: no Secret {name}.");
                Assert.True(entries.ContainsKey((string)reference["key"]!), $"{kustomization.Folder}: Secret {name} has no key {reference["key"]}.");
            }
        }

        // The bundled database: the silos' connection string names its Service and its user.
        var silo = Base.Generators.Single(g => g.Name == SiloSecret).EnvEntries();
        var credentialsName = (string)Single("StatefulSet")["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["secretRef"]!["name"]!;
        var credentials = Base.Generators.Single(g => g.Name == credentialsName).EnvEntries();
        var connection = new NpgsqlConnectionStringBuilder(silo["SessionGrains__Storage__ConnectionString"]);
        Assert.Equal((string?)Single("StatefulSet")["spec"]!["serviceName"], connection.Host);
        Assert.Equal(credentials["POSTGRES_USER"], connection.Username);
        Assert.Equal(credentials["POSTGRES_DB"], connection.Database);
        Assert.Equal(credentials["POSTGRES_PASSWORD"], connection.Password);

        // Placeholders, never real secrets: each says it is to be replaced.
        foreach (var value in All.SelectMany(k => k.Generators).Where(g => g.Kind == "Secret")
                     .SelectMany(g => g.EnvEntries()).Where(kv => kv.Key.Contains("Password", StringComparison.OrdinalIgnoreCase) || kv.Key.EndsWith("OperatorKey", StringComparison.Ordinal)
                         || kv.Key.EndsWith("EncryptionKey", StringComparison.Ordinal)))
        {
            Assert.Contains("REPLACE-ME", value.Value);
        }
    }

    [Fact]
    public void The_grace_period_outlasts_the_silo_s_own_stop()
    {
        var cluster = ProfileOptions().Cluster;
        Assert.True(cluster.ShutdownDelaySeconds > 0, "The production profile should keep serving a moment after SIGTERM.");
        var grace = (long)Deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!;
        Assert.True(grace > cluster.ShutdownDelaySeconds + cluster.ShutdownTimeoutSeconds,
            $"terminationGracePeriodSeconds {grace} must exceed {cluster.ShutdownDelaySeconds} + {cluster.ShutdownTimeoutSeconds}.");
        // The silo waits on its own; a preStop sleep would only add to the wait.
        Assert.Null(Silo["lifecycle"]?["preStop"]);
    }

    [Fact]
    public void Containers_run_unprivileged_on_a_read_only_root_with_bounded_resources()
    {
        foreach (var workload in new[] { Deployment, Single("StatefulSet") })
        {
            var pod = workload["spec"]!["template"]!["spec"]!;
            Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"] == true, $"{Kind(workload)}: runAsNonRoot");
            foreach (var container in pod["containers"]!.AsArray())
            {
                var security = container!["securityContext"]!;
                Assert.True((bool?)security["readOnlyRootFilesystem"] == true, $"{container["name"]}: readOnlyRootFilesystem");
                Assert.True((bool?)security["allowPrivilegeEscalation"] == false, $"{container["name"]}: allowPrivilegeEscalation");
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
                Assert.NotNull(container["resources"]!["requests"]!["memory"]);
                Assert.NotNull(container["resources"]!["limits"]!["memory"]);
            }
        }

        Assert.Equal(ImageUser(), (long)Deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsUser"]!);
    }

    [Fact]
    public void The_Dockerfile_builds_the_silo_in_the_sdk_and_runs_it_unprivileged_on_the_runtime()
    {
        Assert.Equal(2, Image.Stages.Count);
        var build = Image.Stages[0];
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", build.Image);
        Assert.Contains(build.All("RUN"), r => r.StartsWith("dotnet restore src/SessionGrains.Silo/SessionGrains.Silo.csproj", StringComparison.Ordinal));
        Assert.Contains(build.All("RUN"), r => r.StartsWith("dotnet publish src/SessionGrains.Silo/SessionGrains.Silo.csproj", StringComparison.Ordinal));
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", Image.Final.Image);
        Assert.Contains(Image.Final.All("COPY"), c => c.StartsWith($"--from={build.Name} ", StringComparison.Ordinal));
        // The publish step copies the profiles, which the project links from silo-config/.
        Assert.Contains(build.All("COPY"), c => c.StartsWith("silo-config/", StringComparison.Ordinal));

        var user = ImageUser();
        Assert.NotEqual(0, user);
    }

    [Fact]
    public void The_Dockerfile_exposes_the_container_ports_and_checks_a_health_route_of_the_silo_s_dll()
    {
        var exposed = Image.Final.All("EXPOSE").SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(long.Parse).Order();
        Assert.Equal(ContainerPorts(Silo).Values.Order(), exposed);

        var dll = $"{typeof(SiloApp).Assembly.GetName().Name}.dll";
        Assert.Equal(["dotnet", dll], ExecForm(Image.Final.Last("ENTRYPOINT")!));

        var check = Image.Final.Last("HEALTHCHECK")!;
        var command = ExecForm(check[(check.IndexOf("CMD ", StringComparison.Ordinal) + 4)..]);
        Assert.Equal(["dotnet", dll, HealthProbe.Argument], command[..3]);
        var url = new Uri(command[3]);
        Assert.Contains(url.AbsolutePath, new[] { HealthRoutes.Live, HealthRoutes.Ready });
        Assert.Equal(HttpPort, url.Port);
        Assert.True(url.IsLoopback);
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={HttpPort}", Image.Final.All("ENV").SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    private const string SiloSecret = "silo-secrets";

    private static long HttpPort => ContainerPorts(Silo)["http"];

    private static string Kind(JsonObject resource) => (string)resource["kind"]!;

    private static JsonObject Single(string kind) => Resources.Single(r => Kind(r) == kind);

    private static string? EnvValue(string name) =>
        (string?)Silo["env"]!.AsArray().Single(e => (string)e!["name"]! == name)!["value"];

    private static string ProbePath(string probe) => (string)Silo[probe]!["httpGet"]!["path"]!;

    private static Dictionary<string, long> ContainerPorts(JsonObject container) =>
        container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (long)p!["containerPort"]!);

    private static Dictionary<string, string> TemplateLabels(JsonObject workload) =>
        Selector(workload["spec"]!["template"]!["metadata"]!["labels"]);

    private static Dictionary<string, string> Selector(JsonNode? labels) =>
        labels!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);

    /// <summary>A selector picks these pods: not empty, and every pair of it is a label of theirs.</summary>
    private static void AssertSelects(Dictionary<string, string> selector, Dictionary<string, string> labels)
    {
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.True(labels.TryGetValue(key, out var label) && label == value, $"Selector {key}={value} is not a label of the pods.");
        }
    }

    private static SessionGrainsOptions ProfileOptions() =>
        new ConfigurationBuilder()
            .AddJsonFile(Base.Generators.Single(g => g.Kind == "ConfigMap").Files.Values.Single())
            .Build()
            .GetSection(SessionGrainsOptions.Section)
            .Get<SessionGrainsOptions>() ?? throw new InvalidDataException("The profile has no SessionGrains section.");

    private static long ImageUser() => long.Parse(Image.Final.Last("USER") ?? throw new InvalidDataException("The image runs as root: no USER."));

    private static string[] ExecForm(string arguments) => JsonSerializer.Deserialize<string[]>(arguments.Trim())!;

    /// <summary>The names an ENV instruction sets, in its KEY=value form.</summary>
    private static IEnumerable<string> EnvNames(string arguments) =>
        arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)[0]);
}
