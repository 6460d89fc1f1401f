using System.Text.Json;
using SessionGrains.Audit;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// One audit record on the wire. <see cref="TenantId"/> says whose log holds it (null: the
/// operator's own), which matters in the operator's log across tenants.
/// </summary>
public sealed record AuditItemDto(
    string AuditId,
    DateTimeOffset At,
    string ActorKeyId,
    string? ActorName,
    string ActorRole,
    string? ActorMicrotenantId,
    string? ClientIp,
    string Action,
    string? Target,
    string Outcome,
    JsonElement Details,
    string? TenantId)
{
    /// <summary>The record on the wire.</summary>
    public static AuditItemDto From(AuditRecord r)
    {
        using var details = JsonDocument.Parse(r.Details);
        return new(r.AuditId, r.At, r.ActorKeyId, r.ActorName, r.ActorRole, r.ActorMicrotenantId, r.ClientIp, r.Action, r.Target, r.Outcome,
            details.RootElement.Clone(), r.TenantId.Length == 0 ? null : r.TenantId);
    }
}
