using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// The session table's query string, bound with <c>[AsParameters]</c>. Every value is bound as
/// text, each time it is given, so that a repeated, mistyped or out-of-range value is a field error
/// of a 400 <c>validation_failed</c>, never a binding failure.
/// </summary>
public sealed record SessionTableQuery(
    [property: FromQuery(Name = "search")] string[]? Search,
    [property: FromQuery(Name = "status")] string[]? Status,
    [property: FromQuery(Name = "userId")] string[]? UserId,
    [property: FromQuery(Name = "clientId")] string[]? ClientId,
    [property: FromQuery(Name = "kind")] string[]? Kind,
    [property: FromQuery(Name = "microtenantId")] string[]? MicrotenantId,
    [property: FromQuery(Name = "ipAddress")] string[]? IpAddress,
    [property: FromQuery(Name = "createdAfter"), QueryType(typeof(DateTimeOffset))] string[]? CreatedAfter,
    [property: FromQuery(Name = "createdBefore"), QueryType(typeof(DateTimeOffset))] string[]? CreatedBefore,
    [property: FromQuery(Name = "sort")] string[]? Sort,
    [property: FromQuery(Name = "page"), QueryType(typeof(int))] string[]? Page,
    [property: FromQuery(Name = "pageSize"), QueryType(typeof(int))] string[]? PageSize,
    [property: FromQuery(Name = "cursor")] string[]? Cursor) : IValidatable
{
    /// <summary>Longest search text.</summary>
    public const int MaxSearchLength = 256;

    private static readonly Dictionary<string, SessionSortKey> SortKeys = new(StringComparer.Ordinal)
    {
        ["createdAt"] = SessionSortKey.CreatedAt,
        ["lastActivity"] = SessionSortKey.LastActivity,
        ["userEmail"] = SessionSortKey.UserEmail,
        ["ipAddress"] = SessionSortKey.IpAddress,
        ["expiresAt"] = SessionSortKey.ExpiresAt,
        ["duration"] = SessionSortKey.Duration,
    };

    /// <inheritdoc/>
    public void Validate(Validator validator) => Read(validator);

    /// <summary>
    /// The query, with paging applied, and the cursor given (checked against the query by
    /// <see cref="SessionCursor"/>); null fields mean "no filter". Read after validation, so it is valid.
    /// </summary>
    public (SessionQuery Query, Paging Paging, string? Cursor) Read() => Read(new Validator());

    private (SessionQuery Query, Paging Paging, string? Cursor) Read(Validator v)
    {
        string? One(string name, StringValues values) => v.Once(name, values);

        var search = One("search", Search);
        if (search is not null)
        {
            v.Text("search", search, MaxSearchLength);
            search = search.Length == 0 ? null : search;
        }

        var status = StatusFilter.All;
        switch (One("status", Status))
        {
            case null or "all": break;
            case "active": status = StatusFilter.Active; break;
            case "inactive": status = StatusFilter.Inactive; break;
            default: v.Add("status", "must be 'active', 'inactive' or 'all'."); break;
        }

        var userId = One("userId", UserId);
        v.Identifier("userId", userId, required: false);
        var clientId = One("clientId", ClientId);
        v.Identifier("clientId", clientId, required: false);
        var microtenantId = One("microtenantId", MicrotenantId);
        v.Identifier("microtenantId", microtenantId, required: false);

        SessionKind? kind = null;
        if (One("kind", Kind) is { } kindText)
        {
            if (WireNames.TryParse(kindText, out SessionKind parsed))
            {
                kind = parsed;
            }
            else
            {
                v.Add("kind", "must be 'user', 'admin' or 'api-key'.");
            }
        }

        var ip = One("ipAddress", IpAddress);
        if (ip is not null)
        {
            v.IpAddress("ipAddress", ip);
        }

        var createdAfter = v.Timestamp("createdAfter", One("createdAfter", CreatedAfter));
        var createdBefore = v.Timestamp("createdBefore", One("createdBefore", CreatedBefore));

        var sort = SessionSortKey.CreatedAt;
        var descending = true;
        if (One("sort", Sort) is { } sortText)
        {
            descending = sortText.StartsWith('-');
            if (!SortKeys.TryGetValue(descending ? sortText[1..] : sortText, out sort))
            {
                v.Add("sort", $"must be one of {string.Join(", ", SortKeys.Keys)}, optionally with a leading '-'.");
            }
        }

        var paging = Paging.Read(Page, PageSize, v);
        var cursor = One("cursor", Cursor);
        if (cursor is not null && Page is { Length: > 0 })
        {
            v.Add("cursor", "must not be given with page: the cursor already says which page it is.");
        }
        else if (cursor is not null && cursor.Length is 0 or > SessionCursor.MaxLength)
        {
            v.Add("cursor", "is not a cursor of this list.", ApiProblem.InvalidCursor);
        }

        var query = new SessionQuery(
            search, status, userId, clientId, kind, microtenantId, ip, createdAfter, createdBefore, sort, descending, paging.Skip, paging.PageSize);
        return (query, paging, cursor);
    }
}
