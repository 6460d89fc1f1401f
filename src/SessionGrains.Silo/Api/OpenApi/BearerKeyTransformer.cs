using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Console;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// The bearer key as the document's security scheme, required by every /api/v1 operation; the web
/// console's cookie as the alternative on every operation but the console's sign-in, which takes a key.
/// Two kinds of route take neither: the OAuth operations take client credentials in HTTP Basic, and
/// forward auth a gateway's key in <c>X-Api-Key</c>, as <c>Authorization</c> there is the user's.
/// The routes marked <see cref="IAllowAnonymous"/> (discovery) take nothing, and get no requirement.
/// </summary>
internal sealed class BearerKeyTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string SchemeName = "apiKey";

    /// <summary>The OAuth routes' client credentials (HTTP Basic) scheme name in <c>components.securitySchemes</c>.</summary>
    public const string ClientSchemeName = "oauthClient";

    /// <summary>The console cookie's scheme name in <c>components.securitySchemes</c>.</summary>
    public const string ConsoleSchemeName = "consoleCookie";

    /// <summary>The gateway key's scheme name in <c>components.securitySchemes</c>.</summary>
    public const string GatewaySchemeName = "gatewayKey";

    /// <summary>The one operation whose key is the gateway's.</summary>
    private const string ForwardAuthOperation = "ForwardAuth";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A tenant's API key (sgk.…), or the operator key.",
        };

        document.Components.SecuritySchemes[ConsoleSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = ConsoleCookie.Name,
            Description = $"The web console's session (from POST /api/v1/console/session); changes also need its csrfToken in {ConsoleCookie.CsrfHeader}.",
        };

        document.Components.SecuritySchemes[ClientSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "OAuth client authentication (RFC 6749 §2.3.1) on the OAuth routes: a service key's keyId as the user name, the key as the password.",
        };

        document.Components.SecuritySchemes[GatewaySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = RequiresKeyInHeader.ApiKey.Header,
            Description = "A gateway's service key (sgk.…) on forward auth, where Authorization carries the user's access token.",
        };

        var gateway = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(GatewaySchemeName, document)] = [] };
        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        var console = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ConsoleSchemeName, document)] = [] };
        var client = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ClientSchemeName, document)] = [] };
        // Read from the endpoints' metadata, the same mark the authentication middleware reads.
        var anonymous = context.DescriptionGroups.SelectMany(g => g.Items)
            .Where(d => d.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
            .Select(d => d.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (_, operation) in document.Operations().Where(o => o.Path.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            if (operation.OperationId is { } id && anonymous.Contains(id))
            {
                continue;
            }

            if (operation.Tags?.Any(t => t.Name == ApiTags.OAuth) == true)
            {
                // These take client credentials only: no bearer key, no console cookie.
                (operation.Security ??= []).Add(client);
                continue;
            }

            if (operation.OperationId == ForwardAuthOperation)
            {
                (operation.Security ??= []).Add(gateway);
                continue;
            }

            (operation.Security ??= []).Add(requirement);
            if (operation.OperationId != "SignInToConsole")
            {
                operation.Security.Add(console);
            }
        }

        return Task.CompletedTask;
    }
}
