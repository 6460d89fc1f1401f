using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The session table against a brute-force reference: hundreds of random sessions (many users,
/// clients, microtenants, kinds, IPv4 and IPv6, ended in every way), then hundreds of random
/// queries — search, every filter, every sort both ways, pages — whose answers must equal what
/// filtering and sorting the sessions' own details gives, every time.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class ListingReferenceTests(SiloFixture fixture)
{
    private const int Seed = 20261125;
    private readonly string _tenant = TestData.Id("ref");
    private readonly Random _random = new(Seed);

    private ApiClient Api => fixture.Api;

    private sealed record Row(
        string SessionId, string UserId, string? UserEmail, string? SessionName, string Kind, string? ApiKeyName, string ClientId,
        string IpAddress, string? MicrotenantId, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastActivity,
        DateTimeOffset? ExpiresAt, DateTimeOffset? EndedAt, string? EndReason);

    [Fact]
    public async Task Every_random_query_equals_the_reference()
    {
        var (admin, rows) = await SeedAsync();
        var now = fixture.Time.GetUtcNow();
        var failures = new List<string>();

        for (var i = 0; i < 300; i++)
        {
            var query = RandomQuery(rows);
            var page = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/sessions?{query.Text}", admin)).Expect(HttpStatusCode.OK).Json;
            var expected = Reference(rows, query, now);
            var got = page["items"]!.AsArray().Select(x => x!["sessionId"]!.GetValue<string>()).ToList();
            var want = expected.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).Select(r => r.SessionId).ToList();
            if (page["total"]!.GetValue<long>() != expected.Count || !got.SequenceEqual(want))
            {
                failures.Add($"?{query.Text}: total {page["total"]} vs {expected.Count}; got [{string.Join(",", got)}] want [{string.Join(",", want)}]");
                continue;
            }

            foreach (var item in page["items"]!.AsArray())
            {
                var row = rows.Single(r => r.SessionId == item!["sessionId"]!.GetValue<string>());
                if (item!["status"]!.GetValue<string>() != row.Status || item["endReason"]?.GetValue<string>() != row.EndReason
                    || item["durationSeconds"]!.GetValue<long>() != (long)((row.EndedAt ?? now) - row.CreatedAt).TotalSeconds)
                {
                    failures.Add($"?{query.Text}: {row.SessionId} listed as {item.ToJsonString()} but is {row}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of 300 queries differ:\n{string.Join("\n", failures.Take(10))}");
    }

    /// <summary>
    /// Walks by <c>nextCursor</c> from a first page (page 1, or a later offset page) to the end, for
    /// random filters, searches and every sort both ways, on the session table and on a user's
    /// sessions: the pages laid end to end are exactly the reference order from that offset on,
    /// every page says its number and the exact total, and only the last has no next cursor.
    /// </summary>
    [Fact]
    public async Task Every_cursor_walk_equals_the_reference()
    {
        var (admin, rows) = await SeedAsync();
        var now = fixture.Time.GetUtcNow();
        var failures = new List<string>();
        var pages = 0;

        for (var i = 0; i < 120; i++)
        {
            var query = RandomQuery(rows);
            var size = new[] { 4, 10, 25, 60 }[_random.Next(4)];
            var start = _random.Next(3) == 0 ? _random.Next(2, 4) : 1;
            var byUser = query.UserId is not null && _random.Next(2) == 0;
            var path = byUser ? $"/api/v1/tenants/{_tenant}/users/{query.UserId}/sessions" : $"/api/v1/tenants/{_tenant}/sessions";
            var filters = string.Join('&', query.Text.Split('&').Where(p => !p.StartsWith("page", StringComparison.Ordinal)));
            var expected = Reference(rows, query, now);
            var want = expected.Skip((start - 1) * size).Select(r => r.SessionId).ToList();
            var got = new List<string>();
            var next = $"{path}?{filters}&pageSize={size}&page={start}";
            var problem = (string?)null;

            // Bounded: one page more than the reference has is already a failure.
            for (var number = start; next is not null && problem is null; number++)
            {
                if (got.Count > want.Count + size)
                {
                    problem = "walked past the end";
                    break;
                }

                var page = (await Api.GetAsync(next, admin)).Expect(HttpStatusCode.OK).Json;
                pages++;
                var items = page["items"]!.AsArray().Select(x => x!["sessionId"]!.GetValue<string>()).ToList();
                got.AddRange(items);
                var cursor = page.ContainsKey("nextCursor") ? page["nextCursor"]?.GetValue<string>() : "(absent)";
                if (page["total"]!.GetValue<long>() != expected.Count || page["page"]!.GetValue<int>() != number
                    || page["pageSize"]!.GetValue<int>() != size)
                {
                    problem = $"page {number}: total {page["total"]} page {page["page"]} pageSize {page["pageSize"]}, want {expected.Count} {number} {size}";
                }
                else if (cursor == "(absent)")
                {
                    problem = $"page {number} has no nextCursor field";
                }
                else if ((cursor is null) != (got.Count >= want.Count))
                {
                    problem = $"page {number}: nextCursor {cursor ?? "null"} with {got.Count} of {want.Count} items seen";
                }

                next = cursor is null ? null : $"{path}?{filters}&pageSize={size}&cursor={Uri.EscapeDataString(cursor)}";
            }

            if (problem is not null || !got.SequenceEqual(want))
            {
                failures.Add($"{path}?{filters}&pageSize={size} from page {start}: {problem ?? "order differs"}; got [{string.Join(",", got)}] want [{string.Join(",", want)}]");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of 120 walks differ ({pages} pages):\n{string.Join("\n", failures.Take(5))}");
    }

    /// <summary>Creates the sessions, ends many of them, and reads each one's details as the truth.</summary>
    private async Task<(string Admin, List<Row> Rows)> SeedAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        var service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        var admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", admin, new
        {
            idleTimeoutSeconds = 3600, absoluteLifetimeSeconds = 4 * 3600, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);

        string[] clients = ["portal", "mobile", "cli", "admin-console", "vpn"];
        string?[] microtenants = [null, null, "emea", "apac", "amer"];
        foreach (var microtenant in microtenants.OfType<string>())
        {
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", admin, new { microtenantId = microtenant, name = microtenant }))
                .Expect(HttpStatusCode.Created);
        }

        string?[] names = [null, "Chrome on Mac", "Firefox on Linux", "Safari on iPhone", "curl"];
        var users = Enumerable.Range(0, 70).Select(i => $"user{i:D2}").ToArray();
        var created = new List<JsonObject>();
        for (var i = 0; i < 360; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(_random.Next(1, 40_000)));
            var user = users[_random.Next(users.Length)];
            var kind = new[] { "user", "user", "admin", "api-key" }[_random.Next(4)];
            var ip = _random.Next(3) == 0
                ? $"2001:db8::{_random.Next(1, 0xffff):x}"
                : $"{_random.Next(1, 255)}.{_random.Next(0, 255)}.{_random.Next(0, 255)}.{_random.Next(1, 255)}";
            var email = _random.Next(6) == 0 ? null : $"{(_random.Next(2) == 0 ? user.ToUpperInvariant() : user)}@{(_random.Next(2) == 0 ? "acme" : "Globex")}.test";
            var session = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", service, new
            {
                userId = user, userEmail = email, sessionName = names[_random.Next(names.Length)], kind,
                apiKeyName = kind == "api-key" ? $"key-{_random.Next(5)}" : null,
                clientId = clients[_random.Next(clients.Length)], ipAddress = ip, microtenantId = microtenants[_random.Next(microtenants.Length)],
            })).Expect(HttpStatusCode.Created).Json;
            created.Add(session);

            switch (_random.Next(12))
            {
                case 0:
                    (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/logout", service, new { token = session.Str("token") })).Expect(HttpStatusCode.NoContent);
                    break;
                case 1:
                    (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}", admin)).Expect(HttpStatusCode.NoContent);
                    break;
                case 2:
                    var earlier = created[_random.Next(created.Count)];
                    fixture.Time.Advance(TimeSpan.FromMilliseconds(_random.Next(1, 5000)));
                    await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", service, new { refreshToken = earlier.Str("refreshToken") });
                    break;
                case 3 when i % 60 == 0:
                    fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
                    (await Api.PostAsync($"/api/v1/tenants/{_tenant}/logout-all", admin, new { clientId = clients[_random.Next(clients.Length)] })).Expect(HttpStatusCode.OK);
                    break;
            }
        }

        // Some of the early sessions have run past their idle timeout or lifetime by now.
        fixture.Time.Advance(TimeSpan.FromMinutes(20));
        var rows = new List<Row>();
        foreach (var session in created)
        {
            var d = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}", admin)).Expect(HttpStatusCode.OK).Json;
            rows.Add(new Row(
                d.Str("sessionId"), d.Str("userId"), d["userEmail"]?.GetValue<string>(), d["sessionName"]?.GetValue<string>(), d.Str("kind"),
                d["apiKeyName"]?.GetValue<string>(), d.Str("clientId"), d.Str("ipAddress"), d["microtenantId"]?.GetValue<string>(), d.Str("status"),
                Time(d, "createdAt")!.Value, Time(d, "lastActivity")!.Value, Time(d, "expiresAt"), Time(d, "endedAt"), d["endReason"]?.GetValue<string>()));
        }

        Assert.Contains(rows, r => r.Status == "expired");
        Assert.Contains(rows, r => r.EndReason == "tenant_logout_all");
        Assert.Contains(rows, r => r.EndReason == "user_logout");
        Assert.Contains(rows, r => r.Status == "active");
        return (admin, rows);
    }

    private static DateTimeOffset? Time(JsonObject json, string name) =>
        json[name] is { } value ? DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture) : null;

    private sealed record Query(
        string Text, string? Search, string? Status, string? UserId, string? ClientId, string? Kind, string? MicrotenantId, string? Ip,
        DateTimeOffset? After, DateTimeOffset? Before, string Sort, bool Descending, int Page, int PageSize);

    private Query RandomQuery(List<Row> rows)
    {
        var sample = rows[_random.Next(rows.Count)];
        T? Maybe<T>(int oneIn, Func<T> value) => _random.Next(oneIn) == 0 ? value() : default;
        var search = Maybe(3, () =>
        {
            var source = new[] { sample.UserEmail ?? sample.UserId, sample.UserId, sample.IpAddress, sample.SessionName ?? "on", sample.ApiKeyName ?? "key" }[_random.Next(5)];
            var start = _random.Next(source.Length);
            var text = source.Substring(start, _random.Next(1, Math.Min(8, source.Length - start) + 1));
            return _random.Next(2) == 0 ? text.ToUpperInvariant() : text;
        });
        var status = Maybe(3, () => new[] { "active", "inactive", "all" }[_random.Next(3)]);
        var userId = Maybe(8, () => sample.UserId);
        var clientId = Maybe(4, () => sample.ClientId);
        var kind = Maybe(5, () => sample.Kind);
        var microtenant = Maybe(5, () => sample.MicrotenantId ?? "emea");
        var ip = Maybe(15, () => sample.IpAddress);
        var min = rows.Min(r => r.CreatedAt);
        var span = (rows.Max(r => r.CreatedAt) - min).TotalMilliseconds;
        var after = Maybe<DateTimeOffset?>(4, () => _random.Next(3) == 0 ? sample.CreatedAt : min.AddMilliseconds(_random.NextDouble() * span));
        var before = Maybe<DateTimeOffset?>(4, () => _random.Next(3) == 0 ? sample.CreatedAt : min.AddMilliseconds(_random.NextDouble() * span));
        var sort = new[] { "createdAt", "lastActivity", "userEmail", "ipAddress", "expiresAt", "duration" }[_random.Next(6)];
        var descending = _random.Next(2) == 0;
        var page = _random.Next(1, 5);
        var pageSize = new[] { 1, 5, 10, 25, 50 }[_random.Next(5)];

        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("search", search);
        Add("status", status);
        Add("userId", userId);
        Add("clientId", clientId);
        Add("kind", kind);
        Add("microtenantId", microtenant);
        Add("ipAddress", ip);
        Add("createdAfter", after?.ToString("O", CultureInfo.InvariantCulture));
        Add("createdBefore", before?.ToString("O", CultureInfo.InvariantCulture));
        Add("sort", (descending ? "-" : "") + sort);
        Add("page", page.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", pageSize.ToString(CultureInfo.InvariantCulture));
        return new Query(string.Join('&', parts), search, status, userId, clientId, kind, microtenant, ip, after, before, sort, descending, page, pageSize);
    }

    /// <summary>Filter and sort every row, the obvious way.</summary>
    private static List<Row> Reference(List<Row> rows, Query q, DateTimeOffset now)
    {
        bool Contains(string? field) => field is not null && field.Contains(q.Search!, StringComparison.OrdinalIgnoreCase);
        var matching = rows.Where(r =>
            (q.Search is null || Contains(r.UserEmail) || Contains(r.UserId) || Contains(r.IpAddress) || Contains(r.SessionName) || Contains(r.ApiKeyName))
            && (q.Status is null or "all" || (q.Status == "active") == (r.Status == "active"))
            && (q.UserId is null || r.UserId == q.UserId)
            && (q.ClientId is null || r.ClientId == q.ClientId)
            && (q.Kind is null || r.Kind == q.Kind)
            && (q.MicrotenantId is null || r.MicrotenantId == q.MicrotenantId)
            && (q.Ip is null || r.IpAddress == q.Ip)
            && (q.After is null || r.CreatedAt >= q.After)
            && (q.Before is null || r.CreatedAt < q.Before)).ToList();

        int ByKey(Row a, Row b) => q.Sort switch
        {
            "createdAt" => a.CreatedAt.CompareTo(b.CreatedAt),
            "lastActivity" => a.LastActivity.CompareTo(b.LastActivity),
            "userEmail" => string.Compare(a.UserEmail ?? "", b.UserEmail ?? "", StringComparison.OrdinalIgnoreCase),
            "ipAddress" => IpNumber(a.IpAddress).CompareTo(IpNumber(b.IpAddress)),
            "expiresAt" => (a.ExpiresAt ?? DateTimeOffset.MaxValue).CompareTo(b.ExpiresAt ?? DateTimeOffset.MaxValue),
            _ => ((a.EndedAt ?? now) - a.CreatedAt).CompareTo((b.EndedAt ?? now) - b.CreatedAt),
        };

        matching.Sort((a, b) =>
        {
            var byKey = ByKey(a, b);
            return byKey != 0 ? (q.Descending ? -byKey : byKey) : string.CompareOrdinal(a.SessionId, b.SessionId);
        });
        return matching;
    }

    private static System.Numerics.BigInteger IpNumber(string ip)
    {
        var bytes = IPAddress.Parse(ip).MapToIPv6().GetAddressBytes();
        return new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }
}
