using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Who is calling: the operator, or the holder of one tenant's API key. A key with a
/// <see cref="MicrotenantId"/> acts inside that microtenant only: that is its scope.
/// <see cref="KeyName"/> is the key's name, for the audit log.
/// </summary>
public sealed record Caller(bool IsOperator, string? TenantId, ApiKeyRole? Role, string? MicrotenantId, string? KeyId, string? KeyName = null)
{
    /// <summary>The operator's key id and role name in the audit log.</summary>
    public const string OperatorName = "operator";

    /// <summary>The operator: every tenant, every route.</summary>
    public static Caller Operator { get; } = new(true, null, null, null, OperatorName, OperatorName);

    /// <summary>
    /// The console session the request came with, when the key is presented by the web console's
    /// cookie rather than in <c>Authorization</c>; null otherwise.
    /// </summary>
    public ConsoleCredential? Console { get; init; }

    /// <summary>
    /// True when this caller may act on <paramref name="tenantId"/> with one of <paramref name="roles"/>;
    /// a <paramref name="tenantWide"/> action also needs a key without a microtenant, whatever its role.
    /// </summary>
    public bool May(string tenantId, IReadOnlyCollection<ApiKeyRole> roles, bool tenantWide) =>
        IsOperator || (TenantId == tenantId && Has(roles) && !(tenantWide && MicrotenantId is not null));

    /// <summary>True for the operator, and for a key whose role is one of <paramref name="roles"/>, whatever its tenant.</summary>
    public bool Has(IReadOnlyCollection<ApiKeyRole> roles) => IsOperator || (Role is { } role && roles.Contains(role));

    /// <summary>True when an entry of <paramref name="microtenantId"/> (null: the tenant's own) is within this caller's scope.</summary>
    public bool Sees(string? microtenantId) => MicrotenantId is null || MicrotenantId == microtenantId;

    /// <summary>
    /// Narrows the microtenant a request asks for (null: none in particular) to this caller's
    /// scope. A scoped key gets its own microtenant whatever it asked; false when it asked for
    /// another one (a 403). Keys without a scope, and the operator, get what they asked for.
    /// </summary>
    public bool TryNarrow(string? requested, out string? scope)
    {
        scope = MicrotenantId ?? requested;
        return MicrotenantId is null || requested is null || requested == MicrotenantId;
    }
}
