namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// Endpoint metadata: the route is the administrative action <see cref="Action"/> (one of
/// <c>AuditActions</c>), and each of its answers is recorded. <see cref="TargetRouteValue"/> names
/// the route value that is its target, if one is. With <see cref="StoredWithChange"/>, the route
/// hands its success record to the grain that makes the change, which stores both in one write
/// (<see cref="AuditWithChange"/>). Set with <see cref="AuditConventions.Audited{TBuilder}"/>.
/// </summary>
public sealed record AuditedAction(string Action, string? TargetRouteValue, bool StoredWithChange = false);
