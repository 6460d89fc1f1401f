using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using SessionGrains.Silo.Api.OpenApi;

namespace SessionGrains.Silo.Api.OAuth;

/// <summary>
/// The form body of introspect and revoke (RFC 7662 §2.1, RFC 7009 §2.1): <c>token</c> and an
/// optional <c>token_type_hint</c>, as <c>application/x-www-form-urlencoded</c>. Bound by hand
/// (<see cref="BindAsync"/>) rather than by the framework's form binding, so that every way a
/// request can miss the form (another media type, no body, a form the reader refuses, a parameter
/// given twice) is the OAuth answer, 400 <c>invalid_request</c>, which <see cref="Error"/> then
/// describes; a body over the size limit is still the host's 413.
/// </summary>
public sealed record OAuthTokenForm(string? Token, string? TokenTypeHint, string? Error) : IEndpointParameterMetadataProvider
{
    /// <summary>The one media type these routes take.</summary>
    public const string MediaType = "application/x-www-form-urlencoded";

    /// <summary>Reads the form of the request; never throws for a malformed one.</summary>
    public static async ValueTask<OAuthTokenForm> BindAsync(HttpContext context)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !string.Equals(type.MediaType.Value, MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Invalid($"The body must be {MediaType} with a token parameter.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            // Over the form reader's limits (keys, key or value lengths).
            return Invalid("The form could not be read.");
        }

        var token = form["token"];
        var hint = form["token_type_hint"];
        if (token.Count > 1 || hint.Count > 1)
        {
            // RFC 6749 §3.1: a parameter is not sent more than once.
            return Invalid("token and token_type_hint may each be sent once.");
        }

        return string.IsNullOrEmpty(token.ToString())
            ? Invalid("The token parameter is required.")
            : new OAuthTokenForm(token.ToString(), hint.Count == 0 ? null : hint.ToString(), null);
    }

    /// <summary>Puts the form, as <see cref="OAuthTokenFields"/>, in the OpenAPI document as the request body.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new FormBody(MediaType, typeof(OAuthTokenFields)));

    private static OAuthTokenForm Invalid(string error) => new(null, null, error);
}

/// <summary>The fields of <see cref="OAuthTokenForm"/>, as the OpenAPI document shows them.</summary>
/// <param name="Token">The access token (sga.…) or refresh token (sgr.…).</param>
/// <param name="TokenTypeHint"><c>access_token</c> or <c>refresh_token</c>; optional, and never needed: a token names its own kind.</param>
public sealed record OAuthTokenFields(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("token_type_hint")] string? TokenTypeHint = null);
