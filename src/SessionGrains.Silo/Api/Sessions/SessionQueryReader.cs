using System.Globalization;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>Reads the session table's query string into a <see cref="SessionQuery"/>, recording every bad parameter.</summary>
public static class SessionQueryReader
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

    /// <summary>The query, with paging applied; null fields mean "no filter".</summary>
    public static (SessionQuery Query, Paging Paging) Read(HttpRequest request, Validator v)
    {
        var q = request.Query;
        string? One(string name)
        {
            var values = q[name];
            if (values.Count > 1)
            {
                v.Add(name, "must be given once.");
            }

            return values.Count == 0 ? null : values[0];
        }

        var search = One("search");
        if (search is not null)
        {
            v.Text("search", search, MaxSearchLength);
            search = search.Length == 0 ? null : search;
        }

        var status = StatusFilter.All;
        switch (One("status"))
        {
            case null or "all": break;
            case "active": status = StatusFilter.Active; break;
            case "inactive": status = StatusFilter.Inactive; break;
            default: v.Add("status", "must be 'active', 'inactive' or 'all'."); break;
        }

        var userId = One("userId");
        v.Identifier("userId", userId, required: false);
        var clientId = One("clientId");
        v.Identifier("clientId", clientId, required: false);
        var microtenantId = One("microtenantId");
        v.Identifier("microtenantId", microtenantId, required: false);

        SessionKind? kind = null;
        if (One("kind") is { } kindText)
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

        var ip = One("ipAddress");
        if (ip is not null)
        {
            v.IpAddress("ipAddress", ip);
        }

        var createdAfter = Timestamp("createdAfter", One("createdAfter"), v);
        var createdBefore = Timestamp("createdBefore", One("createdBefore"), v);

        var sort = SessionSortKey.CreatedAt;
        var descending = true;
        if (One("sort") is { } sortText)
        {
            descending = sortText.StartsWith('-');
            if (!SortKeys.TryGetValue(descending ? sortText[1..] : sortText, out sort))
            {
                v.Add("sort", $"must be one of {string.Join(", ", SortKeys.Keys)}, optionally with a leading '-'.");
            }
        }

        var paging = Paging.Read(request, v);
        var skip = (int)Math.Min((long)(paging.Page - 1) * paging.PageSize, int.MaxValue - paging.PageSize);
        var query = new SessionQuery(
            search, status, userId, clientId, kind, microtenantId, ip, createdAfter, createdBefore, sort, descending, skip, paging.PageSize);
        return (query, paging);
    }

    private static DateTimeOffset? Timestamp(string field, string? text, Validator v)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        v.Add(field, "must be an ISO 8601 timestamp, e.g. 2026-11-25T19:29:28Z.");
        return null;
    }
}
