using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// The audit log's query string, bound with <c>[AsParameters]</c>, every value as text so that a
/// repeated or mistyped one is a field error of a 400 <c>validation_failed</c>.
/// </summary>
public sealed record AuditLogQuery(
    [property: FromQuery(Name = "from"), QueryType(typeof(DateTimeOffset))] string[]? From,
    [property: FromQuery(Name = "to"), QueryType(typeof(DateTimeOffset))] string[]? To,
    [property: FromQuery(Name = "action")] string[]? Action,
    [property: FromQuery(Name = "actor")] string[]? Actor,
    [property: FromQuery(Name = "outcome")] string[]? Outcome,
    [property: FromQuery(Name = "page"), QueryType(typeof(int))] string[]? Page,
    [property: FromQuery(Name = "pageSize"), QueryType(typeof(int))] string[]? PageSize,
    [property: FromQuery(Name = "cursor")] string[]? Cursor,
    [property: FromQuery(Name = "format")] string[]? Format,
    [property: FromHeader(Name = "Accept")] string? Accept) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => Read(validator);

    /// <summary>The filters (for <paramref name="tenantId"/>, null: every log), paging, cursor and whether CSV is asked for; read after validation.</summary>
    public (AuditQuery Query, Paging Paging, string? Cursor, bool Csv) Read(string? tenantId) => Read(new Validator(), tenantId);

    private (AuditQuery Query, Paging Paging, string? Cursor, bool Csv) Read(Validator v, string? tenantId = null)
    {
        var from = v.Timestamp("from", v.Once("from", From));
        var to = v.Timestamp("to", v.Once("to", To));
        if (from > to)
        {
            v.Add("to", "must not be before from.");
        }

        var action = v.Once("action", Action);
        if (action is not null && !AuditActions.All.Contains(action))
        {
            v.Add("action", $"must be one of {string.Join(", ", AuditActions.All.Order(StringComparer.Ordinal))}.");
        }

        var actor = v.Once("actor", Actor);
        v.Identifier("actor", actor, required: false);
        var outcome = v.Once("outcome", Outcome);
        if (outcome is not null && !AuditOutcomes.All.Contains(outcome))
        {
            v.Add("outcome", "must be 'success', 'denied' or 'failed'.");
        }

        var csv = v.Once("format", Format) switch
        {
            null => Accept?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true,
            "csv" => true,
            "json" => false,
            _ => Invalid("format", "must be 'json' or 'csv'."),
        };

        var paging = Paging.Read(Page, PageSize, v);
        var cursor = v.Once("cursor", Cursor);
        if (cursor is not null && Page is { Length: > 0 })
        {
            v.Add("cursor", "must not be given with page: the cursor already says which page it is.");
        }
        else if (cursor is not null && cursor.Length is 0 or > AuditCursor.MaxLength)
        {
            v.Add("cursor", "is not a cursor of this list.", ApiProblem.InvalidCursor);
        }

        var query = new AuditQuery(tenantId, from, to, action, actor, outcome, null, paging.Skip, paging.PageSize);
        return (query, paging, cursor, csv);

        bool Invalid(string field, string message)
        {
            v.Add(field, message);
            return false;
        }
    }
}
