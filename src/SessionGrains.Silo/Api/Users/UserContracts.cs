using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Users;

/// <summary>Answer of a user logout.</summary>
public sealed record UserLogoutResponse(int Terminated) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["terminated"] = Terminated;
}

/// <summary>Body of a denylist entry.</summary>
public sealed record DenylistRequest(string? Reason) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["reason"] = Reason;

    /// <summary>Longest denylist reason.</summary>
    public const int MaxReasonLength = 500;

    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Text("reason", Reason, MaxReasonLength, lineBreaks: true);
}

/// <summary>Answer of denylisting a user.</summary>
public sealed record DenylistResponse(string UserId, bool Denylisted, int Terminated) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["terminated"] = Terminated;
}

/// <summary>A denylisted user.</summary>
public sealed record DenylistEntryDto(string UserId, string? Reason, DateTimeOffset CreatedAt)
{
    public static DenylistEntryDto From(DenylistEntry e) => new(e.UserId, e.Reason, e.CreatedAt);
}
