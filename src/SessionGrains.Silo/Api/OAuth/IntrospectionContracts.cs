using System.Text.Json.Serialization;
using SessionGrains.Sessions;

namespace SessionGrains.Silo.Api.OAuth;

/// <summary>
/// An introspection answer for a live token (RFC 7662 §2.2), in that RFC's member names:
/// <c>sub</c> the user, <c>sid</c> the session, <c>client_id</c> the client the session was signed
/// in to, <c>iat</c> when the token was issued and <c>exp</c> when it stops working unless used
/// (the session's idle or absolute deadline, whichever is first; absent when the policy sets
/// neither), both NumericDate seconds. Written in the RFC's order, <c>token_type</c> last.
/// </summary>
public sealed record ActiveIntrospectionDto(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("sub")] string Sub,
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("iat")] long Iat,
    [property: JsonPropertyName("token_type"), JsonPropertyOrder(1)] string TokenType,
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp = null)
{
    /// <summary><c>token_type</c> of an access token.</summary>
    public const string AccessToken = "access_token";

    /// <summary><c>token_type</c> of a refresh token.</summary>
    public const string RefreshToken = "refresh_token";

    /// <summary>The answer for an active <paramref name="result"/> about a token of <paramref name="tokenType"/>.</summary>
    public static ActiveIntrospectionDto From(ValidationResult result, string tokenType) => new(
        true, result.UserId!, result.SessionId!, result.ClientId!,
        result.IssuedAt!.Value.ToUnixTimeSeconds(), tokenType, result.IdleExpiresAt?.ToUnixTimeSeconds());
}

/// <summary>
/// An introspection answer for anything else (RFC 7662 §2.2): unknown, ended, expired, rotated away,
/// another tenant's, or outside the caller's microtenant, all alike, with no reason.
/// </summary>
public sealed record InactiveIntrospectionDto([property: JsonPropertyName("active")] bool Active)
{
    /// <summary>The one inactive answer.</summary>
    public static InactiveIntrospectionDto Instance { get; } = new(false);
}
