using SessionGrains.Silo.Api.Auth;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>The audit log's conventions on routes and groups.</summary>
public static class AuditConventions
{
    /// <summary>
    /// Marks a route as the administrative action <paramref name="action"/>, its target the route
    /// value <paramref name="target"/>. With <paramref name="storedWithChange"/>, its handler takes
    /// the success record from <see cref="AuditWithChange"/> and has it stored with the change.
    /// </summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action, string? target = null, bool storedWithChange = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedAction(action, target, storedWithChange));

    /// <summary>
    /// Records every answer of the group's audited routes, and every 403 of its administration
    /// routes, before the answer leaves (<see cref="AuditFilter"/>). On the outermost group, so it
    /// sees the refusals of every filter within.
    /// </summary>
    public static RouteGroupBuilder RecordAudit(this RouteGroupBuilder group) => group.AddSharedFilter<AuditFilter>();
}
