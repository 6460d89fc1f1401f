using SessionGrains.Silo.Api.Audit;

namespace SessionGrains.Silo.Api.SigningKeys;

/// <summary>The answer to a rotation: the id of the key that signs from now on (its <c>kid</c> in the JWKS and in tokens' headers).</summary>
public sealed record RotatedSigningKeyDto(string Kid) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Target = Kid;
        audit.Details["kid"] = Kid;
    }
}
