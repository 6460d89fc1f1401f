using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SessionGrains.Grains.Security;
using SessionGrains.Grains;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.Sessions;
using SessionGrains.Silo.Audit;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Console;

/// <summary>
/// The web console's sign-in, its session, and sign-out. Signing in proves an API key once and
/// opens a session of the key's tenant (kind admin, the console's client, the key as its user),
/// so the console is seen, timed out by the tenant's policy and ended like any other session.
/// </summary>
public static class ConsoleSessionEndpoints
{
    /// <summary>Longest user agent stored, as the sign-in route allows.</summary>
    private const int MaxUserAgentLength = 1024;

    /// <summary>Maps the console-session routes onto the /api/v1/console/session group.</summary>
    public static RouteGroupBuilder MapConsoleSessionEndpoints(this RouteGroupBuilder session)
    {
        session.WithTags(ApiTags.Console);
        session.MapPost("", SignInAsync).Audited(AuditActions.ConsoleSignIn).WithName("SignInToConsole").WithSummary("Sign in to the console")
            .WithDescription("With a tenant-admin, microtenant-admin or auditor key in Authorization: opens a console session of the key's tenant "
                + $"and sets the HttpOnly, SameSite=Strict cookie {ConsoleCookie.Name} that stands for the key from then on. The answer's csrfToken "
                + $"goes in {ConsoleCookie.CsrfHeader} on every change made with the cookie. 403 forbidden for the operator's key, a service key "
                + "or the cookie itself; user_denylisted and session_limit_reached as for any sign-in of the key.");
        session.MapGet("", Current).WithName("GetConsoleSession").WithSummary("The console session of the cookie")
            .WithDescription("401 once the session has ended or expired, or its key is deleted; 404 console_session_not_found for a request made with a key rather than the cookie.");
        session.MapDelete("", SignOutAsync).Audited(AuditActions.ConsoleSignOut, storedWithChange: true).WithName("SignOutOfConsole").WithSummary("Sign out of the console")
            .WithDescription("Ends the cookie's console session (reason user_logout) and clears the cookie.");
        return session;
    }

    private static async Task<Results<Ok<ConsoleSessionDto>, ApiProblem<Status403Forbidden>, ApiProblem<Status409Conflict>>> SignInAsync(
        HttpContext http, IGrainFactory grains)
    {
        var caller = http.GetCaller();
        if (caller.IsOperator || caller.Console is not null)
        {
            // The operator's key belongs to no tenant, and a console session to one.
            return ApiProblem.Of<Status403Forbidden>("forbidden", "Forbidden",
                "Sign in to the console with a tenant's tenant-admin, microtenant-admin or auditor key in Authorization: Bearer <key>.");
        }

        var signIn = new SignIn(
            caller.KeyId!, null, ConsoleSessions.SessionName, SessionKind.Admin, caller.KeyName, ConsoleSessions.ClientId, ConsoleSessions.ClientType,
            ConsoleSessions.IdentityProvider, AddressOf(http), UserAgentOf(http), caller.MicrotenantId, null, null);
        var result = await grains.GetGrain<IUserGrain>(GrainKeys.User(caller.TenantId!, signIn.UserId)).SignIn(Secrets.NewSessionId(), signIn);
        if (result.Tokens is not { } tokens)
        {
            return result.Error == SignInError.UserDenylisted ? SignInProblems.Denylisted(signIn.UserId) : SignInProblems.LimitReached(signIn.UserId);
        }

        ConsoleCookie.Write(http, tokens.Token, tokens.ExpiresAt);
        var console = new ConsoleCredential(tokens.SessionId, ConsoleCookie.CsrfTokenOf(tokens.Token), tokens.ExpiresAt, tokens.IdleExpiresAt);
        return TypedResults.Ok(ConsoleSessionDto.From(caller, console));
    }

    private static Results<Ok<ConsoleSessionDto>, ApiProblem<Status404NotFound>> Current(HttpContext http) =>
        http.GetCaller() is { Console: { } console } caller ? TypedResults.Ok(ConsoleSessionDto.From(caller, console)) : NoConsoleSession();

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>>> SignOutAsync(HttpContext http, IGrainFactory grains)
    {
        if (http.GetCaller() is not { Console: { } console } caller)
        {
            return NoConsoleSession();
        }

        // The record of the sign-out is stored with the session's end, which names it.
        var audit = http.TakeAuditRecord() is { } record ? record with { Target = console.SessionId } : null;
        await grains.GetGrain<ISessionGrain>(GrainKeys.Session(caller.TenantId!, console.SessionId)).End(EndReason.UserLogout, audit: audit);
        ConsoleCookie.Clear(http);
        return TypedResults.NoContent();
    }

    private static ApiProblem<Status404NotFound> NoConsoleSession() => ApiProblem.Of<Status404NotFound>(
        "console_session_not_found", "No console session", $"This request was not made with the console's cookie ({ConsoleCookie.Name}).");

    /// <summary>The browser's address as the session table shows it: IPv4 as itself, not IPv6-mapped.</summary>
    private static string AddressOf(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : IPAddress.None.ToString();

    private static string? UserAgentOf(HttpContext http) =>
        http.Request.Headers[HeaderNames.UserAgent].ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, MaxUserAgentLength)] : null;
}
