using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Saved filters through their public surface: a key saves, lists, replaces and deletes its own
/// session-table queries; no other key sees them; a query is refused exactly where the session
/// table refuses the same value in its query string (under <c>query.&lt;field&gt;</c>); service keys
/// are refused, scoped keys stay inside their microtenant, a key holds at most 100, and every save
/// and delete is in the key's tenant's audit log.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class SavedFilterApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private const string Filters = "/api/v1/me/filters";

    private readonly string _tenant = TestData.Id("sf");
    private string _admin = "";
    private string _adminKeyId = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        (_adminKeyId, _admin) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"{T}/microtenants", Api.OperatorKey, new { microtenantId, name = microtenantId })).Expect(HttpStatusCode.Created);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Response> SaveAsync(string key, string name, object query) => Api.PutAsync($"{Filters}/{name}", key, new { query });

    private Task<Response> SaveRawAsync(string key, string name, string body) => Api.SendAsync(HttpMethod.Put, $"{Filters}/{name}", key, rawBody: body);

    private async Task<JsonObject> ListAsync(string key, string query = "") =>
        (await Api.GetAsync($"{Filters}{query}", key)).Expect(HttpStatusCode.OK).Json;

    private static List<string> Names(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!.AsObject().Str("name"))];

    private static string[] ErrorFields(JsonObject problem) => [.. problem["errors"]!.AsObject().Select(e => e.Key)];

    [Fact]
    public async Task A_filter_is_saved_listed_by_name_replaced_keeping_its_creation_time_and_deleted()
    {
        var createdAt = fixture.Time.GetUtcNow();
        var saved = (await SaveAsync(_admin, "active-admins", new
        {
            status = "active", kind = "admin", sort = "-lastActivity", createdAfter = "2026-11-25T20:29:28+01:00", pageSize = 50,
        })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("active-admins", saved.Str("name"));
        var query = saved["query"]!.AsObject();
        Assert.Equal("active", query.Str("status"));
        Assert.Equal("admin", query.Str("kind"));
        Assert.Equal("-lastActivity", query.Str("sort"));
        Assert.Equal(50, query["pageSize"]!.GetValue<int>());

        // A timestamp is kept as the time it names, written as every timestamp of the contract.
        Assert.Equal("2026-11-25T19:29:28.000Z", query.Str("createdAfter"));

        // Every parameter is in the answer; those not given are null.
        string[] parameters = ["search", "status", "userId", "clientId", "kind", "microtenantId", "ipAddress", "createdAfter", "createdBefore", "sort", "pageSize"];
        Assert.Equal(parameters.Order(StringComparer.Ordinal), query.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Null(query["userId"]);
        Assert.Null(query["createdBefore"]);
        Assert.Equal(Stamp(createdAt), saved.Str("createdAt"));
        Assert.Equal(Stamp(createdAt), saved.Str("updatedAt"));

        (await SaveAsync(_admin, "by-user", new { userId = "ada" })).Expect(HttpStatusCode.OK);
        (await SaveAsync(_admin, "Zulu", new { search = "x" })).Expect(HttpStatusCode.OK);

        // Ordered by name (ordinal), with the list shape and an exact total.
        var page = await ListAsync(_admin);
        Assert.Equal(["Zulu", "active-admins", "by-user"], Names(page));
        Assert.Equal(3, page["total"]!.GetValue<int>());
        Assert.Equal(1, page["page"]!.GetValue<int>());
        Assert.Equal(10, page["pageSize"]!.GetValue<int>());
        var second = await ListAsync(_admin, "?page=2&pageSize=2");
        Assert.Equal(["by-user"], Names(second));
        Assert.Equal(3, second["total"]!.GetValue<int>());

        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var replaced = (await SaveAsync(_admin, "active-admins", new { status = "inactive" })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(Stamp(createdAt), replaced.Str("createdAt"));
        Assert.Equal(Stamp(createdAt + TimeSpan.FromSeconds(5)), replaced.Str("updatedAt"));
        Assert.Equal("inactive", replaced["query"]!.AsObject().Str("status"));
        Assert.Null(replaced["query"]!["kind"]);

        // The list shows the replacement, not a second filter.
        var listed = (await ListAsync(_admin))["items"]!.AsArray().Single(i => i!.AsObject().Str("name") == "active-admins")!.AsObject();
        Assert.Equal(replaced.ToJsonString(), listed.ToJsonString());
        Assert.Equal(3, (await ListAsync(_admin))["total"]!.GetValue<int>());

        (await Api.DeleteAsync($"{Filters}/active-admins", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.DeleteAsync($"{Filters}/active-admins", _admin)).ExpectProblem(HttpStatusCode.NotFound, "filter_not_found");
        Assert.Equal(["Zulu", "by-user"], Names(await ListAsync(_admin)));
    }

    [Fact]
    public async Task Filters_are_private_to_the_key_that_saved_them()
    {
        var colleague = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        var auditor = await Api.CreateKeyAsync(_tenant, "auditor");
        var other = TestData.Id("sf");
        await Api.CreateTenantAsync(other);
        var stranger = await Api.CreateKeyAsync(other, "tenant-admin");
        var name = TestData.Id("mine");

        (await SaveAsync(_admin, name, new { status = "active" })).Expect(HttpStatusCode.OK);
        (await SaveAsync(auditor.Key, "auditors-own", new { status = "inactive" })).Expect(HttpStatusCode.OK);

        // Another admin key of the same tenant, an auditor of it, another tenant's key and the operator see none of them.
        Assert.Empty(Names(await ListAsync(colleague.Key)));
        Assert.Equal(0, (await ListAsync(colleague.Key))["total"]!.GetValue<int>());
        Assert.Equal(["auditors-own"], Names(await ListAsync(auditor.Key)));
        Assert.Empty(Names(await ListAsync(stranger.Key)));
        Assert.DoesNotContain(name, Names(await ListAsync(Api.OperatorKey, "?pageSize=500")));

        // Nobody else can delete it, nor overwrite it: the same name saves a filter of their own.
        (await Api.DeleteAsync($"{Filters}/{name}", colleague.Key)).ExpectProblem(HttpStatusCode.NotFound, "filter_not_found");
        (await Api.DeleteAsync($"{Filters}/{name}", stranger.Key)).ExpectProblem(HttpStatusCode.NotFound, "filter_not_found");
        (await Api.DeleteAsync($"{Filters}/{name}", Api.OperatorKey)).ExpectProblem(HttpStatusCode.NotFound, "filter_not_found");
        (await SaveAsync(colleague.Key, name, new { status = "inactive" })).Expect(HttpStatusCode.OK);

        var mine = Assert.Single((await ListAsync(_admin))["items"]!.AsArray());
        Assert.Equal(name, mine!.AsObject().Str("name"));
        Assert.Equal("active", mine["query"]!.AsObject().Str("status"));

        // A new key of the same name and role starts with nothing: filters follow the key id.
        var newcomer = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        Assert.Empty(Names(await ListAsync(newcomer.Key)));
    }

    [Fact]
    public async Task The_operator_keeps_filters_of_its_own()
    {
        var name = TestData.Id("op");
        (await SaveAsync(Api.OperatorKey, name, new { microtenantId = "anywhere" })).Expect(HttpStatusCode.OK);
        Assert.Contains(name, Names(await ListAsync(Api.OperatorKey, "?pageSize=500")));
        Assert.DoesNotContain(name, Names(await ListAsync(_admin)));
        (await Api.DeleteAsync($"{Filters}/{name}", Api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        Assert.DoesNotContain(name, Names(await ListAsync(Api.OperatorKey, "?pageSize=500")));
    }

    /// <summary>
    /// Each bad value is first sent to the session table itself, which must refuse it under its
    /// name, and then saved, which must refuse it under <c>query.&lt;name&gt;</c> and nothing else.
    /// </summary>
    [Theory]
    [InlineData("status", "sometimes", "\"sometimes\"")]
    [InlineData("status", "ACTIVE", "\"ACTIVE\"")]
    [InlineData("sort", "name", "\"name\"")]
    [InlineData("sort", "--createdAt", "\"--createdAt\"")]
    [InlineData("kind", "robot", "\"robot\"")]
    [InlineData("pageSize", "0", "0")]
    [InlineData("pageSize", "501", "501")]
    [InlineData("pageSize", "-1", "-1")]
    [InlineData("createdAfter", "yesterday", "\"yesterday\"")]
    [InlineData("createdBefore", "2026-13-45", "\"2026-13-45\"")]
    [InlineData("userId", "a b", "\"a b\"")]
    [InlineData("clientId", "x/y", "\"x/y\"")]
    [InlineData("microtenantId", "", "\"\"")]
    [InlineData("ipAddress", "999.1.1.1", "\"999.1.1.1\"")]
    [InlineData("search", "line\nbreak", "\"line\\nbreak\"")]
    public async Task A_value_the_session_table_refuses_is_refused_in_a_saved_query_under_its_path(string field, string text, string json)
    {
        var table = (await Api.GetAsync($"{T}/sessions?{field}={Uri.EscapeDataString(text)}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal([field], ErrorFields(table));

        var name = TestData.Id("bad");
        var saved = (await SaveRawAsync(_admin, name, $"{{\"query\":{{\"{field}\":{json}}}}}")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal([$"query.{field}"], ErrorFields(saved));
        Assert.Equal(table["errors"]![field]!.ToJsonString(), saved["errors"]![$"query.{field}"]!.ToJsonString());
        Assert.DoesNotContain(name, Names(await ListAsync(_admin, "?pageSize=500")));
    }

    [Fact]
    public async Task An_over_long_search_is_refused_as_the_table_refuses_it_and_the_longest_allowed_is_saved()
    {
        var tooLong = new string('s', 257);
        (await Api.GetAsync($"{T}/sessions?search={tooLong}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var problem = (await SaveAsync(_admin, "long", new { search = tooLong })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["query.search"], ErrorFields(problem));

        var longest = new string('s', 256);
        Assert.Equal(longest, (await SaveAsync(_admin, "long", new { search = longest })).Expect(HttpStatusCode.OK).Json["query"]!.AsObject().Str("search"));
    }

    [Fact]
    public async Task Every_bad_field_of_one_query_is_named_at_once_and_values_the_table_accepts_are_saved()
    {
        var problem = (await SaveAsync(_admin, "many", new { status = "x", sort = "y", pageSize = 0, createdAfter = "z" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["query.createdAfter", "query.pageSize", "query.sort", "query.status"], ErrorFields(problem).Order(StringComparer.Ordinal));

        // The table takes createdAfter later than createdBefore (it then lists nothing), so a saved query may too.
        (await Api.GetAsync($"{T}/sessions?createdAfter=2026-11-26&createdBefore=2026-11-25", _admin)).Expect(HttpStatusCode.OK);
        (await SaveAsync(_admin, "empty-window", new { createdAfter = "2026-11-26", createdBefore = "2026-11-25" })).Expect(HttpStatusCode.OK);

        // Every parameter at once, each at a value the table accepts; a number sent as a string, as everywhere.
        var full = (await SaveRawAsync(_admin, "full", """
            { "query": { "search": "ada", "status": "all", "userId": "u-1", "clientId": "portal", "kind": "api-key", "microtenantId": "emea",
              "ipAddress": "2001:db8::1", "createdAfter": "2026-11-25", "createdBefore": "2026-11-25T19:29:28.123Z", "sort": "duration", "pageSize": "500" } }
            """)).Expect(HttpStatusCode.OK).Json["query"]!.AsObject();
        Assert.Equal("2026-11-25T00:00:00.000Z", full.Str("createdAfter"));
        Assert.Equal("2026-11-25T19:29:28.123Z", full.Str("createdBefore"));
        Assert.Equal(500, full["pageSize"]!.GetValue<int>());
        Assert.Equal("api-key", full.Str("kind"));
    }

    [Fact]
    public async Task A_body_without_a_query_with_unknown_query_fields_or_not_json_and_a_bad_name_are_refused()
    {
        Assert.Equal(["query"], ErrorFields((await SaveRawAsync(_admin, "f", "{}")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")));
        Assert.Equal(["query"], ErrorFields((await SaveRawAsync(_admin, "f", """{"query":null}""")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")));

        // A field the table does not have would make the saved query mean less than it says: named, not dropped.
        var unknown = (await SaveRawAsync(_admin, "f", """{"query":{"status":"active","statuss":"inactive","page":2,"cursor":"abc"}}"""))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["query.cursor", "query.page", "query.statuss"], ErrorFields(unknown).Order(StringComparer.Ordinal));

        (await SaveRawAsync(_admin, "f", "not json")).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        (await SaveRawAsync(_admin, "f", """{"query":"active"}""")).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        (await SaveRawAsync(_admin, "f", """{"query":{"pageSize":"ten"}}""")).ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
        (await SaveRawAsync(_admin, "f", "")).ExpectProblem(HttpStatusCode.BadRequest, "bad_request");

        foreach (var name in new[] { "bad%20name", "a%2Fb", new string('n', 129), "caf%C3%A9" })
        {
            var problem = (await SaveAsync(_admin, name, new { status = "active" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.Equal(["name"], ErrorFields(problem));
            (await Api.DeleteAsync($"{Filters}/{name}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        }

        // Nothing of the above was saved; the list's own paging is checked as every list's.
        Assert.Empty(Names(await ListAsync(_admin)));
        foreach (var paging in new[] { "pageSize=0", "pageSize=501", "page=0", "page=x", "page=1&page=2" })
        {
            (await Api.GetAsync($"{Filters}?{paging}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        }
    }

    [Fact]
    public async Task Service_keys_are_refused_every_route()
    {
        var service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        var scoped = (await Api.CreateKeyAsync(_tenant, "service", "emea")).Key;
        foreach (var key in new[] { service, scoped })
        {
            (await Api.GetAsync(Filters, key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await SaveAsync(key, "f", new { status = "active" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await Api.DeleteAsync($"{Filters}/f", key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

            // The role is checked before the input, as on every route.
            (await SaveAsync(key, "f", new { status = "nonsense" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task A_scoped_key_may_save_queries_of_its_own_microtenant_only()
    {
        var emeaAdmin = (await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea")).Key;
        var emeaAuditor = (await Api.CreateKeyAsync(_tenant, "auditor", "emea")).Key;
        foreach (var key in new[] { emeaAdmin, emeaAuditor })
        {
            // As the table answers it.
            (await Api.GetAsync($"{T}/sessions?microtenantId=apac", key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await SaveAsync(key, "apac", new { microtenantId = "apac" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

            (await SaveAsync(key, "emea", new { microtenantId = "emea" })).Expect(HttpStatusCode.OK);
            (await SaveAsync(key, "unscoped", new { status = "active" })).Expect(HttpStatusCode.OK);
            Assert.Equal(["emea", "unscoped"], Names(await ListAsync(key)));
        }

        // An unscoped key may name any microtenant.
        (await SaveAsync(_admin, "apac", new { microtenantId = "apac" })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_holds_at_most_100_filters_and_may_still_replace_one_at_the_limit()
    {
        var key = (await Api.CreateKeyAsync(_tenant, "auditor")).Key;
        for (var i = 0; i < 100; i++)
        {
            (await SaveAsync(key, $"f-{i:D3}", new { userId = $"u-{i}" })).Expect(HttpStatusCode.OK);
        }

        (await SaveAsync(key, "f-100", new { userId = "u-100" })).ExpectProblem(HttpStatusCode.Conflict, "filter_limit_reached");
        var replaced = (await SaveAsync(key, "f-050", new { userId = "replaced" })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("replaced", replaced["query"]!.AsObject().Str("userId"));
        Assert.Equal(100, (await ListAsync(key))["total"]!.GetValue<int>());

        (await Api.DeleteAsync($"{Filters}/f-000", key)).Expect(HttpStatusCode.NoContent);
        (await SaveAsync(key, "f-100", new { userId = "u-100" })).Expect(HttpStatusCode.OK);
        (await SaveAsync(key, "f-101", new { userId = "u-101" })).ExpectProblem(HttpStatusCode.Conflict, "filter_limit_reached");
        var last = await ListAsync(key, "?page=10&pageSize=10");
        Assert.Equal(100, last["total"]!.GetValue<int>());
        Assert.Equal("f-100", Names(last)[^1]);

        // The limit is the key's: another key of the tenant saves freely.
        (await SaveAsync(_admin, "f-101", new { userId = "u-101" })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Saves_and_deletes_are_in_the_keys_tenant_audit_log_with_the_saved_query()
    {
        var service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        (await SaveAsync(_admin, "audited", new { status = "active", sort = "-lastActivity" })).Expect(HttpStatusCode.OK);
        (await SaveAsync(_admin, "audited", new { status = "x" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.DeleteAsync($"{Filters}/audited", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.DeleteAsync($"{Filters}/audited", _admin)).ExpectProblem(HttpStatusCode.NotFound, "filter_not_found");
        (await SaveAsync(service, "audited", new { status = "active" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var saves = await RecordsAsync("filter.save");
        Assert.Equal(2, saves.Count);
        var success = Assert.Single(saves, r => r.Str("outcome") == "success");
        Assert.Equal("audited", success.Str("target"));
        Assert.Equal(_adminKeyId, success.Str("actorKeyId"));
        var query = success["details"]!["query"]!.AsObject();
        Assert.Equal("active", query.Str("status"));
        Assert.Equal("-lastActivity", query.Str("sort"));
        Assert.Null(query["userId"]);
        Assert.Equal("validation_failed", Assert.Single(saves, r => r.Str("outcome") == "failed")["details"]!.AsObject().Str("code"));

        var deletes = await RecordsAsync("filter.delete");
        Assert.Equal(["failed", "success"], deletes.Select(r => r.Str("outcome")).Order(StringComparer.Ordinal));
        Assert.All(deletes, r => Assert.Equal("audited", r.Str("target")));
        Assert.Equal("filter_not_found", Assert.Single(deletes, r => r.Str("outcome") == "failed")["details"]!.AsObject().Str("code"));

        var denied = Assert.Single(await RecordsAsync("access.denied"));
        Assert.Equal("service", denied.Str("actorRole"));
        Assert.Equal("filter.save", denied["details"]!.AsObject().Str("attemptedAction"));
    }

    private async Task<List<JsonObject>> RecordsAsync(string action)
    {
        var page = (await Api.GetAsync($"{T}/audit?pageSize=500&action={action}", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        return [.. page["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
