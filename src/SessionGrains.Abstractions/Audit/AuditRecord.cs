namespace SessionGrains.Audit;

/// <summary>
/// One entry of the audit log: who (<see cref="ActorKeyId"/> and the key's name, role and
/// microtenant at the time), from where, did what to what, and how it ended. Written once, never
/// changed. Built by the host; a grain that is handed one stores it in the same write as the
/// change it records, so the change and its record are durable together.
/// </summary>
/// <param name="AuditId">32 hex digits, time first, unique across silos.</param>
/// <param name="TenantId">The tenant whose log holds it; empty for the operator's actions outside any tenant.</param>
/// <param name="At">When the action was answered, to the millisecond.</param>
/// <param name="ActorKeyId">The key that acted (<c>operator</c> for the operator).</param>
/// <param name="ActorName">That key's name when it acted.</param>
/// <param name="ActorRole">Its role: <c>operator</c>, <c>tenant-admin</c>, <c>microtenant-admin</c>, <c>auditor</c>, <c>service</c>.</param>
/// <param name="ActorMicrotenantId">The microtenant the key is scoped to, if any.</param>
/// <param name="ClientIp">The address the request came from.</param>
/// <param name="Action">The contract's action name (<c>session.terminate</c>, …).</param>
/// <param name="Target">What it acted on (a session, user, key, tenant or filter), when there is one.</param>
/// <param name="Outcome"><c>success</c>, <c>denied</c> or <c>failed</c>.</param>
/// <param name="Details">A JSON object: what the action changed or why it failed.</param>
[GenerateSerializer, Immutable]
public sealed record AuditRecord(
    [property: Id(0)] string AuditId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string ActorKeyId,
    [property: Id(4)] string? ActorName,
    [property: Id(5)] string ActorRole,
    [property: Id(6)] string? ActorMicrotenantId,
    [property: Id(7)] string? ClientIp,
    [property: Id(8)] string Action,
    [property: Id(9)] string? Target,
    [property: Id(10)] string Outcome,
    [property: Id(11)] string Details);
