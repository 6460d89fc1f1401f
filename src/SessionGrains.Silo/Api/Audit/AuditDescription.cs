namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// What an audited request says about itself for its record: the target and the details. The
/// route's metadata gives the default target; the request body and the answer add to it through
/// <see cref="IAuditable"/>.
/// </summary>
public sealed class AuditDescription
{
    /// <summary>What the action was done to: a session, user, key, tenant, microtenant or filter.</summary>
    public string? Target { get; set; }

    /// <summary>
    /// The tenant whose log holds the record when the route names none: the tenant an operator
    /// just created. Otherwise the record goes to the route's tenant (or the caller's own).
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>The record's details, written as one JSON object.</summary>
    public Dictionary<string, object?> Details { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A request body or an answer that has something to say in the audit log (a reason, how many
/// sessions ended, the id of a key created). Never a secret: a created key's answer gives its id,
/// not the key.
/// </summary>
public interface IAuditable
{
    /// <summary>Adds what this request or answer tells the audit log.</summary>
    void Describe(AuditDescription audit);
}
