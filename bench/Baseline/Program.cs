using Microsoft.Net.Http.Headers;

// The floor the silo's validate is measured against: the same route, the same bearer-header
// check and the same JSON body bound by minimal APIs, with a constant answer and no other work.
// Content root is the app's own directory, so its appsettings.json (log levels like the silo's)
// applies whatever directory the bench starts it from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The silo's Kestrel limit, so both servers reject and buffer bodies alike.
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);

var app = builder.Build();
var inactive = new InactiveTokenDto(false, "unknown");

app.MapPost("/api/v1/tenants/{tenantId}/sessions/validate", (string tenantId, TokenRequest body, HttpRequest request) =>
{
    var header = request.Headers[HeaderNames.Authorization].ToString();
    if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
    {
        return Results.Unauthorized();
    }

    return body.Token is null ? Results.BadRequest() : Results.Ok(inactive);
});
app.MapGet("/health/ready", () => Results.Ok());
app.Run();

/// <summary>Body of validate, as the silo binds it.</summary>
internal sealed record TokenRequest(string? Token);

/// <summary>The constant answer, shaped like the silo's answer for an unknown token.</summary>
internal sealed record InactiveTokenDto(bool Active, string Reason);
