using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The audit log through its public surface: every administrative action leaves exactly one
/// record with the contract's fields, every refusal one <c>access.denied</c> record, in the
/// refused key's own log; the list filters, pages and walks by cursor; the CSV parses back, with
/// a real CSV parser, to the very records the JSON list shows; a microtenant-scoped reader sees
/// its microtenant's records only.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class AuditLogApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("aud");
    private string _admin = "";
    private string _adminKeyId = "";
    private string _service = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        (_adminKeyId, _admin) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<JsonObject>> RecordsAsync(string query = "", string? key = null, string? tenantPath = null)
    {
        var page = (await Api.GetAsync($"{tenantPath ?? T}/audit?pageSize=500{query}", key ?? Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        return [.. page["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private static JsonObject Single(IEnumerable<JsonObject> records, string action, string? target = null)
    {
        var matching = records.Where(r => r.Str("action") == action && (target is null || r["target"]?.GetValue<string>() == target)).ToList();
        Assert.True(matching.Count == 1, $"{action} {target}: {matching.Count} records\n{string.Join("\n", records.Select(r => r.ToJsonString()))}");
        return matching[0];
    }

    [Fact]
    public async Task Every_administrative_action_leaves_exactly_one_record_with_its_actor_target_outcome_and_details()
    {
        var ada = await Api.SignInAsync(_tenant, _service, "ada");
        await Api.SignInAsync(_tenant, _service, "bob");
        await Api.SignInAsync(_tenant, _service, "bob");
        var cy = await Api.SignInAsync(_tenant, _service, "cy");
        var dee = await Api.SignInAsync(_tenant, _service, "dee");
        var eve = await Api.SignInAsync(_tenant, _service, "eve");

        (await Api.DeleteAsync($"{T}/sessions/{ada.Str("sessionId")}", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.PostAsync($"{T}/sessions/terminate", _admin, new { sessionIds = new[] { cy.Str("sessionId"), "no-such-session", dee.Str("sessionId") } }))
            .Expect(HttpStatusCode.OK);
        (await Api.PostAsync($"{T}/users/bob/logout", _admin, null)).Expect(HttpStatusCode.OK);
        (await Api.PutAsync($"{T}/users/eve/denylist", _admin, new { reason = "stolen laptop" })).Expect(HttpStatusCode.OK);
        (await Api.DeleteAsync($"{T}/users/eve/denylist", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.PutAsync($"{T}/policy", _admin, new
        {
            idleTimeoutSeconds = 900, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 3, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var created = (await Api.PostAsync($"{T}/api-keys", _admin, new { name = "ci-bot", role = "auditor" })).Expect(HttpStatusCode.Created).Json;
        (await Api.DeleteAsync($"{T}/api-keys/{created.Str("keyId")}", _admin)).Expect(HttpStatusCode.NoContent);
        var logoutAll = (await Api.PostAsync($"{T}/logout-all", _admin, new { clientId = "portal" })).Expect(HttpStatusCode.OK).Json;

        var records = await RecordsAsync();

        // The tenant's creation opens its own log; the operator did it.
        var creation = Single(records, "tenant.create", _tenant);
        Assert.Equal("operator", creation.Str("actorKeyId"));
        Assert.Equal("operator", creation.Str("actorRole"));

        var terminate = Single(records, "session.terminate", ada.Str("sessionId"));
        Assert.Equal(_adminKeyId, terminate.Str("actorKeyId"));
        Assert.Equal("tenant-admin", terminate.Str("actorName"));
        Assert.Equal("tenant-admin", terminate.Str("actorRole"));
        Assert.Null(terminate["actorMicrotenantId"]);
        Assert.Equal("127.0.0.1", terminate.Str("clientIp"));
        Assert.Equal("success", terminate.Str("outcome"));
        Assert.Matches("^[0-9a-f]{32}$", terminate.Str("auditId"));
        Assert.EndsWith("Z", terminate.Str("at"), StringComparison.Ordinal);

        var bulk = Single(records, "session.bulk_terminate")["details"]!.AsObject();
        Assert.Equal(3, bulk["requested"]!.GetValue<int>());
        Assert.Equal(2, bulk["terminated"]!.GetValue<int>());
        Assert.Equal(1, bulk["not_found"]!.GetValue<int>());
        Assert.Equal(
            new[] { cy.Str("sessionId"), dee.Str("sessionId") }.Order(StringComparer.Ordinal),
            bulk["sessionIds"]!.AsArray().Select(i => i!.GetValue<string>()).Order(StringComparer.Ordinal));

        Assert.Equal(2, Single(records, "user.logout", "bob")["details"]!["terminated"]!.GetValue<int>());
        var denylist = Single(records, "user.denylist", "eve")["details"]!.AsObject();
        Assert.Equal("stolen laptop", denylist.Str("reason"));
        Assert.Equal(1, denylist["terminated"]!.GetValue<int>());
        Single(records, "user.undenylist", "eve");
        Assert.Equal(900, Single(records, "policy.update", _tenant)["details"]!["policy"]!["idleTimeoutSeconds"]!.GetValue<int>());
        Assert.Equal("EMEA", Single(records, "microtenant.create", "emea")["details"]!.AsObject().Str("name"));

        // The created key's id is the target; its secret is nowhere in the log.
        var keyCreate = Single(records, "key.create", created.Str("keyId"))["details"]!.AsObject();
        Assert.Equal("ci-bot", keyCreate.Str("name"));
        Assert.Equal("auditor", keyCreate.Str("role"));
        Single(records, "key.delete", created.Str("keyId"));
        Assert.DoesNotContain(created.Str("key"), string.Join("\n", records.Select(r => r.ToJsonString())), StringComparison.Ordinal);

        var logoutAllDetails = Single(records, "tenant.logout_all")["details"]!.AsObject();
        Assert.Equal("portal", logoutAllDetails.Str("clientId"));
        Assert.Equal(logoutAll.Str("notBefore"), logoutAllDetails.Str("notBefore"));

        // Reads and the platform's own traffic (sign-ins, validations) are not administration.
        Assert.Equal(
            ["key.create", "key.create", "key.create", "key.delete", "microtenant.create", "policy.update", "session.bulk_terminate", "session.terminate",
                "tenant.create", "tenant.logout_all", "user.denylist", "user.logout", "user.undenylist"],
            records.Select(r => r.Str("action")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Refusals_are_recorded_as_denied_in_the_refused_keys_own_log_and_failures_as_failed()
    {
        var auditor = await Api.CreateKeyAsync(_tenant, "auditor");
        var session = await Api.SignInAsync(_tenant, _service, "ada");
        var other = TestData.Id("aud");
        await Api.CreateTenantAsync(other);
        var otherAdmin = await Api.CreateKeyAsync(other, "tenant-admin");

        (await Api.DeleteAsync($"{T}/sessions/{session.Str("sessionId")}", auditor.Key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync($"{T}/sessions/terminate", _service, new { sessionIds = new[] { "x" } })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/sessions", otherAdmin.Key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.DeleteAsync($"{T}/sessions/no-such-session", _admin)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        (await Api.PutAsync($"{T}/users/u-1/denylist", _admin, new { reason = new string('x', 501) })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        var records = await RecordsAsync();
        var denied = records.Where(r => r.Str("action") == "access.denied").ToList();
        Assert.Equal(2, denied.Count);
        Assert.All(denied, r => Assert.Equal("denied", r.Str("outcome")));
        var byAuditor = Assert.Single(denied, r => r.Str("actorKeyId") == auditor.KeyId);
        Assert.Equal("auditor", byAuditor.Str("actorRole"));
        Assert.Equal($"{T}/sessions/{session.Str("sessionId")}", byAuditor.Str("target"));
        Assert.Equal("session.terminate", byAuditor["details"]!.AsObject().Str("attemptedAction"));
        Assert.Equal("DELETE", byAuditor["details"]!.AsObject().Str("method"));
        Assert.Equal("session.bulk_terminate", Assert.Single(denied, r => r.Str("actorRole") == "service")["details"]!.AsObject().Str("attemptedAction"));

        // The session the auditor tried to end is still active: a refusal changes nothing.
        Assert.Equal("active", (await Api.GetAsync($"{T}/sessions/{session.Str("sessionId")}", _admin)).Expect(HttpStatusCode.OK).Json.Str("status"));

        // Another tenant's key refused here is recorded in its own tenant's log, not in this one.
        Assert.DoesNotContain(records, r => r.Str("actorKeyId") == otherAdmin.KeyId);
        var theirs = Assert.Single(await RecordsAsync(tenantPath: $"/api/v1/tenants/{other}"), r => r.Str("action") == "access.denied");
        Assert.Equal(otherAdmin.KeyId, theirs.Str("actorKeyId"));
        Assert.Equal($"{T}/sessions", theirs.Str("target"));

        var failed = records.Where(r => r.Str("outcome") == "failed").ToList();
        var notFound = Assert.Single(failed, r => r.Str("action") == "session.terminate");
        Assert.Equal("session_not_found", notFound["details"]!.AsObject().Str("code"));
        Assert.Equal(404, notFound["details"]!["status"]!.GetValue<int>());
        Assert.Equal("validation_failed", Assert.Single(failed, r => r.Str("action") == "user.denylist")["details"]!.AsObject().Str("code"));

        // outcome=denied lists the refusals alone.
        Assert.Equal(2, (await RecordsAsync("&outcome=denied")).Count);
    }

    [Fact]
    public async Task The_list_filters_by_action_actor_outcome_and_time_newest_first_with_an_exact_total_and_walks_by_cursor()
    {
        var other = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        var start = fixture.Time.GetUtcNow();
        for (var i = 0; i < 25; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            (await Api.PostAsync($"{T}/users/u-{i}/logout", i % 5 == 0 ? other.Key : _admin, null)).Expect(HttpStatusCode.OK);
        }

        var all = await RecordsAsync("&action=user.logout");
        Assert.Equal(25, all.Count);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"u-{i}"), all.Select(r => r.Str("target")));
        Assert.Equal(5, (await RecordsAsync($"&actor={other.KeyId}")).Count);
        Assert.Equal(20, (await RecordsAsync($"&actor={_adminKeyId}&outcome=success&action=user.logout")).Count);

        // from and to are inclusive: seconds 6 to 10 after the start are u-5 to u-9.
        var from = (start + TimeSpan.FromSeconds(6)).ToString("O");
        var to = (start + TimeSpan.FromSeconds(10)).ToString("O");
        Assert.Equal(["u-9", "u-8", "u-7", "u-6", "u-5"],
            (await RecordsAsync($"&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}")).Select(r => r.Str("target")));

        // Pages of 10 by cursor: the same records in the same order, none twice, total exact on each page.
        var walked = new List<string>();
        var page = (await Api.GetAsync($"{T}/audit?action=user.logout&pageSize=10", _admin)).Expect(HttpStatusCode.OK).Json;
        for (var n = 0; n < 10; n++)
        {
            Assert.Equal(25, page["total"]!.GetValue<long>());
            walked.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject().Str("auditId")));
            if (page["nextCursor"]?.GetValue<string>() is not { } cursor)
            {
                break;
            }

            page = (await Api.GetAsync($"{T}/audit?action=user.logout&pageSize=10&cursor={cursor}", _admin)).Expect(HttpStatusCode.OK).Json;
        }

        Assert.Equal(all.Select(r => r.Str("auditId")), walked);

        // Page 2 by offset is the second ten; a cursor does not serve other filters or another page size.
        var second = (await Api.GetAsync($"{T}/audit?action=user.logout&pageSize=10&page=2", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(all.Skip(10).Take(10).Select(r => r.Str("auditId")), second["items"]!.AsArray().Select(i => i!.AsObject().Str("auditId")));
        var next = second.Str("nextCursor");
        (await Api.GetAsync($"{T}/audit?action=user.logout&pageSize=20&cursor={next}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
        (await Api.GetAsync($"{T}/audit?outcome=success&pageSize=10&cursor={next}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
        (await Api.GetAsync($"/api/v1/tenants/{TestData.Id("x")}/audit?action=user.logout&pageSize=10&cursor={next}", Api.OperatorKey))
            .ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Theory]
    [InlineData("action=session.nuke", "action")]
    [InlineData("action=a&action=b", "action")]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("actor=has%20space", "actor")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=1&cursor=abc", "cursor")]
    [InlineData("format=xml", "format")]
    public async Task A_bad_query_is_a_400_naming_the_field(string query, string field)
    {
        var problem = (await Api.GetAsync($"{T}/audit?{query}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_deep_offset_is_page_too_deep_and_a_forged_cursor_is_invalid_cursor()
    {
        (await Api.GetAsync($"{T}/audit?page=1002&pageSize=10", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "page_too_deep");
        (await Api.GetAsync($"{T}/audit?cursor=AAAAAAAAAAAAAAAAAAAA", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
        (await Api.GetAsync($"{T}/audit?cursor={new string('A', 200)}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task A_microtenant_scoped_auditor_sees_only_its_microtenants_records_and_other_roles_are_refused()
    {
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId, name = microtenantId })).Expect(HttpStatusCode.Created);
        }

        var emeaAdmin = await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea");
        var apacAdmin = await Api.CreateKeyAsync(_tenant, "microtenant-admin", "apac");
        var emeaAuditor = await Api.CreateKeyAsync(_tenant, "auditor", "emea");
        var auditor = await Api.CreateKeyAsync(_tenant, "auditor");
        (await Api.PostAsync($"{T}/users/u-1/logout", emeaAdmin.Key, null)).Expect(HttpStatusCode.OK);
        (await Api.PostAsync($"{T}/users/u-2/logout", apacAdmin.Key, null)).Expect(HttpStatusCode.OK);

        var scoped = await RecordsAsync(key: emeaAuditor.Key);
        var logout = Assert.Single(scoped);
        Assert.Equal(emeaAdmin.KeyId, logout.Str("actorKeyId"));
        Assert.Equal("emea", logout.Str("actorMicrotenantId"));

        // Its own filters narrow further; a cursor it is given carries no wider scope.
        Assert.Empty(await RecordsAsync($"&actor={apacAdmin.KeyId}", emeaAuditor.Key));

        // An unscoped auditor sees both; a microtenant admin and a service key may not read the log.
        Assert.Equal(2, (await RecordsAsync("&action=user.logout", auditor.Key)).Count);
        (await Api.GetAsync($"{T}/audit", emeaAdmin.Key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/audit", _service)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        // The scoped admin's refusal is in the log, where the scoped auditor sees it.
        var refusal = Assert.Single(await RecordsAsync("&action=access.denied", emeaAuditor.Key));
        Assert.Equal(emeaAdmin.KeyId, refusal.Str("actorKeyId"));

        // The CSV of a scoped reader is scoped the same way.
        var csv = await CsvAsync($"{T}/audit?format=csv", emeaAuditor.Key);
        Assert.Equal(scoped.Count + 1, csv.Count);
        Assert.All(csv, row => Assert.Equal("emea", row["actorMicrotenantId"]));
    }

    [Fact]
    public async Task The_csv_holds_every_matching_record_and_parses_back_to_the_same_fields_with_commas_quotes_and_newlines()
    {
        // A key's name is one line (a newline in it is refused); a denylist reason is prose and keeps its line breaks.
        const string Awkward = "ops, \"night\" shift; =cmd|' /C calc'!A0";
        (await Api.PostAsync($"{T}/api-keys", _admin, new { name = "two\nlines", role = "tenant-admin" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PutAsync($"{T}/users/u-0/denylist", _admin, new { reason = "red \u001b[31m alert" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var key = (await Api.PostAsync($"{T}/api-keys", _admin, new { name = Awkward, role = "tenant-admin" })).Expect(HttpStatusCode.Created).Json;
        for (var i = 0; i < 3; i++)
        {
            (await Api.PutAsync($"{T}/users/u-{i}/denylist", key.Str("key"), new { reason = $"{Awkward} #{i}\r\nline two,\n\"three\"\t" })).Expect(HttpStatusCode.OK);
        }

        var json = await RecordsAsync();
        var rows = await CsvAsync($"{T}/audit?format=csv", _admin);
        Assert.Equal(json.Count, rows.Count);
        for (var i = 0; i < json.Count; i++)
        {
            var record = json[i];
            var row = rows[i];
            foreach (var field in new[] { "auditId", "at", "actorKeyId", "actorName", "actorRole", "actorMicrotenantId", "clientIp", "action", "target", "outcome" })
            {
                Assert.Equal(record[field]?.GetValue<string>() ?? "", row[field]);
            }

            Assert.True(JsonNode.DeepEquals(record["details"], JsonNode.Parse(row["details"])), $"{record["details"]} vs {row["details"]}");
        }

        var denylisted = json.Where(r => r.Str("action") == "user.denylist" && r.Str("outcome") == "success").ToList();
        Assert.Equal(3, denylisted.Count);
        Assert.All(denylisted, r => Assert.Equal(Awkward, r.Str("actorName")));
        Assert.Equal($"{Awkward} #2\r\nline two,\n\"three\"\t", JsonNode.Parse(rows[json.IndexOf(denylisted[0])]["details"])!.AsObject().Str("reason"));

        // Accept: text/csv asks for the same, with the filters applied.
        var filtered = await CsvAsync($"{T}/audit?action=user.denylist&outcome=success", _admin, accept: "text/csv");
        Assert.Equal(denylisted.Select(r => r.Str("auditId")), filtered.Select(r => r["auditId"]));
    }

    [Fact]
    public async Task The_csv_is_every_record_not_one_page()
    {
        for (var i = 0; i < 30; i++)
        {
            (await Api.PostAsync($"{T}/users/u-{i}/logout", _admin, null)).Expect(HttpStatusCode.OK);
        }

        // pageSize is the JSON list's; the CSV ignores it and streams all 33 (the creation, the two keys, 30 logouts).
        var rows = await CsvAsync($"{T}/audit?format=csv&pageSize=5", _admin);
        Assert.Equal(33, rows.Count);
        Assert.Equal(33, (await Api.GetAsync($"{T}/audit?pageSize=5", _admin)).Expect(HttpStatusCode.OK).Json["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_operator_reads_every_tenants_log_with_its_tenant_and_its_own_actions_outside_any()
    {
        (await Api.PostAsync($"{T}/users/u-1/logout", _admin, null)).Expect(HttpStatusCode.OK);
        var taken = TestData.Id("aud");
        await Api.CreateTenantAsync(taken);
        (await Api.PostAsync("/api/v1/tenants", Api.OperatorKey, new { tenantId = taken, name = "again" })).ExpectProblem(HttpStatusCode.Conflict, "tenant_exists");

        var page = (await Api.GetAsync("/api/v1/audit?pageSize=500&action=tenant.create", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        var records = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Contains(records, r => r["tenantId"]?.GetValue<string>() == _tenant && r["target"]?.GetValue<string>() == _tenant);

        // Creating a tenant that exists failed; the record is the operator's own, not the existing tenant's.
        var failed = Assert.Single(records, r => r.Str("outcome") == "failed" && r["target"]?.GetValue<string>() == taken);
        Assert.Null(failed["tenantId"]);
        Assert.DoesNotContain(await RecordsAsync(tenantPath: $"/api/v1/tenants/{taken}"), r => r.Str("outcome") == "failed");

        (await Api.GetAsync("/api/v1/audit", _admin)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var csv = await CsvAsync($"/api/v1/audit?format=csv&action=user.logout&actor={_adminKeyId}", Api.OperatorKey);
        Assert.Equal(_tenant, Assert.Single(csv)["tenantId"]);
    }

    private async Task<List<Dictionary<string, string>>> CsvAsync(string path, string key, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        var response = await Api.SendAsync(request);
        response.Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.MediaType);
        using var reader = CsvReader.Create(Encoding.UTF8.GetBytes(response.Body));
        var rows = new List<Dictionary<string, string>>();
        await reader.ReadHeaderAsync();
        var header = reader.Headers.ToArray();
        Assert.Equal(["auditId", "at", "actorKeyId", "actorName", "actorRole", "actorMicrotenantId", "clientIp", "action", "target", "outcome", "details"],
            header.Take(11));
        while (await reader.ReadAsync())
        {
            rows.Add(header.Select((name, i) => (name, value: reader.GetString(i))).ToDictionary(f => f.name, f => f.value, StringComparer.Ordinal));
        }

        return rows;
    }
}
