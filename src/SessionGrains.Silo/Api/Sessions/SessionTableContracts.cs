using SessionGrains.Silo.Api.BackchannelLogout;
using SessionGrains.Silo.BackchannelLogout;
using SessionGrains.Silo.Api.Audit;
using Microsoft.AspNetCore.Mvc;
using SessionGrains.Grains.Sessions;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>One row of the session table.</summary>
public record SessionItemDto(
    string SessionId,
    string UserId,
    string? UserEmail,
    string? SessionName,
    string Kind,
    string? ApiKeyName,
    string ClientId,
    string? ClientType,
    string? IdentityProvider,
    string IpAddress,
    string? UserAgent,
    string? MicrotenantId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivity,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    long DurationSeconds)
{
    public static SessionItemDto From(SessionRow s, DateTimeOffset asOf) => new(
        s.SessionId, s.UserId, s.UserEmail, s.SessionName, s.Kind.Name(), s.ApiKeyName, s.ClientId, s.ClientType,
        s.IdentityProvider, s.IpAddress, s.UserAgent, s.MicrotenantId, s.Status.Name(), s.CreatedAt, s.LastActivity,
        s.ExpiresAt, s.EndedAt, s.EndReason?.Name(), SessionClock.DurationSeconds(s, asOf));
}

/// <summary>One session in full: its row of the table, plus device, claims and refresh history.</summary>
public sealed record SessionDetailsDto : SessionItemDto
{
    private SessionDetailsDto(SessionItemDto item) : base(item)
    {
    }

    public DeviceDto? Device { get; init; }

    public RawJson? Claims { get; init; }

    public DateTimeOffset? LastRefreshAt { get; init; }

    public int RefreshCount { get; init; }

    public DateTimeOffset? IdleExpiresAt { get; init; }

    /// <summary>Renewed since its last refresh: its current access token validates as renewal_required.</summary>
    public bool RenewalRequired { get; init; }

    /// <summary>The delivery of the session's logout token to its client; null while it is live or when its client has no back-channel logout URI.</summary>
    public BackchannelLogoutDto? BackchannelLogout { get; init; }

    public static SessionDetailsDto From(SessionDetails d, DateTimeOffset asOf, DeliveryState? logout) => new(SessionItemDto.From(d.Row, asOf))
    {
        BackchannelLogout = BackchannelLogoutDto.From(logout),
        Device = d.Device is { } device ? new DeviceDto(device.DeviceId, device.Hostname, device.Os) : null,
        Claims = RawJson.From(d.ClaimsJson),
        LastRefreshAt = d.LastRefreshAt,
        RefreshCount = d.RefreshCount,
        IdleExpiresAt = d.IdleExpiresAt,
        RenewalRequired = d.RenewalRequired,
    };
}

/// <summary>Sessions of one client, in the stats.</summary>
public sealed record ClientStatsDto(string ClientId, long Active, long Total);

/// <summary>
/// The tenant's (or a microtenant's) session statistics: <see cref="UniqueUsers"/> counts the users
/// of every listed session, active or ended, <see cref="ActiveUsers"/> those with a live one.
/// </summary>
public sealed record SessionStatsDto(
    long Total, long Active, long UniqueUsers, long ActiveUsers, double AverageDurationSeconds, IReadOnlyList<ClientStatsDto> ByClient)
{
    public static SessionStatsDto From(SessionStats s) => new(
        s.Total, s.Active, s.UniqueUsers, s.ActiveUsers, Math.Round(s.AverageDurationSeconds, 3),
        s.ByClient.Select(c => new ClientStatsDto(c.ClientId, c.Active, c.Total)).ToList());
}

/// <summary>Body of bulk terminate.</summary>
public sealed record BulkTerminateRequest(IReadOnlyList<string?>? SessionIds) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["requested"] = SessionIds?.Count ?? 0;

    /// <summary>The most ids one bulk terminate takes.</summary>
    public const int MaxBulk = 1000;

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        if (!validator.Required("sessionIds", SessionIds))
        {
            return;
        }

        if (SessionIds!.Count is 0 or > MaxBulk)
        {
            validator.Add("sessionIds", $"must hold 1 to {MaxBulk} session ids.");
            return;
        }

        for (var i = 0; i < SessionIds.Count; i++)
        {
            validator.Identifier($"sessionIds[{i}]", SessionIds[i]);
        }
    }
}

/// <summary>What happened to one session of a bulk terminate.</summary>
public sealed record BulkOutcomeDto(string SessionId, string Outcome);

/// <summary>Answer of bulk terminate, in the order of the request.</summary>
public sealed record BulkTerminateResponse(IReadOnlyList<BulkOutcomeDto> Results) : IAuditable
{
    /// <inheritdoc/>
    /// <remarks>How many ended, and which: the ids are what an investigation looks for.</remarks>
    public void Describe(AuditDescription audit)
    {
        foreach (var outcome in new[] { "terminated", "not_found", "not_active", "forbidden" })
        {
            audit.Details[outcome] = Results.Count(r => r.Outcome == outcome);
        }

        audit.Details["sessionIds"] = Results.Where(r => r.Outcome == "terminated").Select(r => r.SessionId).Distinct().ToList();
    }
}

/// <summary>Body of tenant logout-all.</summary>
public sealed record LogoutAllRequest(string? ClientId) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["clientId"] = ClientId;

    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Identifier("clientId", ClientId, required: false);
}

/// <summary>Answer of tenant logout-all.</summary>
public sealed record LogoutAllResponse(DateTimeOffset NotBefore) : IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Details["notBefore"] = NotBefore;
}

/// <summary>The query of the session stats: optionally one microtenant.</summary>
public sealed record SessionStatsQuery([property: FromQuery(Name = "microtenantId")] string? MicrotenantId) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Identifier("microtenantId", MicrotenantId, required: false);
}
