namespace SessionGrains.Silo.Audit;

/// <summary>
/// One entry of the audit log: who (<see cref="ActorKeyId"/> and the key's name, role and
/// microtenant at the time), from where, did what to what, and how it ended. Written once,
/// never changed.
/// </summary>
/// <param name="AuditId">32 hex digits, time first, unique across silos (<see cref="AuditIds"/>).</param>
/// <param name="TenantId">The tenant whose log holds it; <see cref="AuditStore.OperatorLog"/> for the operator's actions outside any tenant.</param>
/// <param name="At">When the action was answered, to the millisecond.</param>
/// <param name="ActorKeyId">The key that acted (<c>operator</c> for the operator).</param>
/// <param name="ActorName">That key's name when it acted.</param>
/// <param name="ActorRole">Its role: <c>operator</c>, <c>tenant-admin</c>, <c>microtenant-admin</c>, <c>auditor</c>, <c>service</c>.</param>
/// <param name="ActorMicrotenantId">The microtenant the key is scoped to, if any.</param>
/// <param name="ClientIp">The address the request came from.</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Target">What it acted on (a session, user, key, tenant or filter), when there is one.</param>
/// <param name="Outcome">One of <see cref="AuditOutcomes"/>.</param>
/// <param name="Details">A JSON object: what the action changed or why it failed.</param>
public sealed record AuditRecord(
    string AuditId,
    string TenantId,
    DateTimeOffset At,
    string ActorKeyId,
    string? ActorName,
    string ActorRole,
    string? ActorMicrotenantId,
    string? ClientIp,
    string Action,
    string? Target,
    string Outcome,
    string Details);
