using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>Body of renewing one session or a user's: optionally the claims that replace theirs.</summary>
public sealed record RenewRequest(RawJson? Claims) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Claims("claims", Claims);

    /// <inheritdoc/>
    /// <remarks>Whether the claims changed; not the claims, which may be personal data.</remarks>
    public void Describe(AuditDescription audit) => audit.Details["claimsReplaced"] = Claims is not null;
}

/// <summary>Body of renewing many sessions.</summary>
public sealed record BulkRenewRequest(IReadOnlyList<string?>? SessionIds, RawJson? Claims) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        // The same ids, and as many, as a bulk terminate takes.
        new BulkTerminateRequest(SessionIds).Validate(validator);
        validator.Claims("claims", Claims);
    }

    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Details["requested"] = SessionIds?.Count ?? 0;
        audit.Details["claimsReplaced"] = Claims is not null;
    }
}

/// <summary>Answer of bulk renew, in the order of the request (outcomes <c>renewed</c>, <c>not_found</c>, <c>not_active</c>, <c>forbidden</c>).</summary>
public sealed record BulkRenewResponse(IReadOnlyList<BulkOutcomeDto> Results) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        foreach (var outcome in new[] { "renewed", "not_found", "not_active", "forbidden" })
        {
            audit.Details[outcome] = Results.Count(r => r.Outcome == outcome);
        }

        audit.Details["sessionIds"] = Results.Where(r => r.Outcome == "renewed").Select(r => r.SessionId).Distinct().ToList();
    }
}

/// <summary>Answer of renewing a user's sessions.</summary>
public sealed record UserRenewResponse(int Renewed) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["renewed"] = Renewed;
}
