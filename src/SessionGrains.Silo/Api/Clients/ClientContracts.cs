using SessionGrains.Clients;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Console;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Clients;

/// <summary>
/// Body of registering a client (<c>POST</c>, with its <see cref="ClientId"/>) or changing one
/// (<c>PUT</c>, where the id is the path's: a body naming another is refused).
/// </summary>
public sealed record ClientRequest(string? ClientId, string? Name, string? BackchannelLogoutUri, bool? BackchannelLogoutSessionRequired) : IValidatable, IAuditable
{
    /// <summary>Longest client name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest back-channel logout URI.</summary>
    public const int MaxUriLength = 2048;

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        validator.Identifier("clientId", ClientId);
        if (ClientId == ConsoleSessions.ClientId)
        {
            validator.Add("clientId", $"'{ConsoleSessions.ClientId}' is reserved for the web console's own sessions.");
        }

        validator.Text("name", Name, MaxNameLength, required: true);
        if (BackchannelLogoutUri is { } uri && ProblemWithUri(uri) is { } problem)
        {
            validator.Add("backchannelLogoutUri", problem);
        }
    }

    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Target ??= ClientId;
        audit.Details["name"] = Name;
        audit.Details["backchannelLogoutUri"] = BackchannelLogoutUri;
    }

    /// <summary>The registration this body asks for; call once validated.</summary>
    public ClientRegistration ToRegistration() => new(Name!, BackchannelLogoutUri, BackchannelLogoutSessionRequired ?? false);

    /// <summary>
    /// Why <paramref name="uri"/> is no back-channel logout URI, or null: OpenID Connect
    /// Back-Channel Logout 1.0 §2.2 wants an absolute http(s) URI without a fragment.
    /// </summary>
    private static string? ProblemWithUri(string uri) =>
        uri.Length > MaxUriLength ? $"must be at most {MaxUriLength} characters."
        : !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || string.IsNullOrEmpty(parsed.Host)
            ? "must be an absolute http or https URI."
        : parsed.Fragment.Length > 0 || uri.Contains('#', StringComparison.Ordinal) ? "must not hold a fragment (#…)."
        : null;
}

/// <summary>A registered client on the wire.</summary>
public sealed record ClientDto(
    string ClientId, string Name, string? BackchannelLogoutUri, bool BackchannelLogoutSessionRequired, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The wire form of <paramref name="client"/>.</summary>
    public static ClientDto From(RegisteredClient client) => new(
        client.ClientId, client.Registration.Name, client.Registration.BackchannelLogoutUri, client.Registration.BackchannelLogoutSessionRequired,
        client.CreatedAt, client.UpdatedAt);
}
