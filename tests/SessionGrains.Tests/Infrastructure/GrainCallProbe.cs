using System.Collections.Concurrent;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A filter on every grain call of the test cluster: it counts the calls session grains receive,
/// per tenant and method, and makes session table shards refuse <c>Apply</c> for the tenants a test
/// names, the way a shard on a silo that keeps failing would. Counts and faults are per tenant, so
/// tests sharing a cluster never see each other's; the silos of an in-process cluster share this state.
/// </summary>
public sealed class GrainCallProbe : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<(string TenantId, string Method), int> SessionCalls = new();
    private static readonly ConcurrentDictionary<string, bool> RefusingApply = new(StringComparer.Ordinal);

    /// <summary>How many calls of <paramref name="method"/> the session grains of a tenant have received.</summary>
    public static int SessionCallsOf(string tenantId, string method) => SessionCalls.GetValueOrDefault((tenantId, method));

    /// <summary>From now on (until <paramref name="refuse"/> is false), every shard of the tenant fails every Apply.</summary>
    public static void RefuseShardUpdates(string tenantId, bool refuse = true)
    {
        if (refuse)
        {
            RefusingApply[tenantId] = true;
        }
        else
        {
            RefusingApply.TryRemove(tenantId, out _);
        }
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetId.Key.ToString() is { } key && key.IndexOf('/') is var slash and > 0)
        {
            var tenantId = key[..slash];
            if (context.Grain is ISessionGrain)
            {
                SessionCalls.AddOrUpdate((tenantId, context.InterfaceMethod.Name), 1, (_, n) => n + 1);
            }
            else if (context.Grain is ISessionTableShardGrain && context.InterfaceMethod.Name == nameof(ISessionTableShardGrain.Apply)
                && RefusingApply.ContainsKey(tenantId))
            {
                throw new InvalidOperationException($"Test fault: shard {key} refuses Apply.");
            }
        }

        return context.Invoke();
    }
}
