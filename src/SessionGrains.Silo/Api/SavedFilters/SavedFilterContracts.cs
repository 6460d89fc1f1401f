using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionGrains.SavedFilters;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.Sessions;

namespace SessionGrains.Silo.Api.SavedFilters;

/// <summary>Body of saving a filter: the session-table query to keep.</summary>
public sealed record SaveFilterRequest(FilterQueryRequest? Query) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        if (validator.Required("query", Query))
        {
            Query!.Validate(validator.Within("query"));
        }
    }
}

/// <summary>
/// The session table's query parameters in a body. Timestamps come as text, so that one that
/// does not parse is a field error as in the query string; a field the table does not have is
/// refused rather than silently dropped, since a saved query would otherwise mean less than it says.
/// </summary>
/// <remarks>Every parameter defaults to null, so that the document marks none as required.</remarks>
public sealed record FilterQueryRequest(
    string? Search = null,
    string? Status = null,
    string? UserId = null,
    string? ClientId = null,
    string? Kind = null,
    string? MicrotenantId = null,
    string? IpAddress = null,
    string? CreatedAfter = null,
    string? CreatedBefore = null,
    string? Sort = null,
    int? PageSize = null) : IValidatable
{
    /// <summary>Members of the body that are not parameters of the table (each a field error).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }

    /// <inheritdoc/>
    /// <remarks>The session table's own validation, over the same values as its query string would carry them.</remarks>
    public void Validate(Validator validator)
    {
        AsTableQuery().Validate(validator);
        foreach (var name in Unknown?.Keys ?? Enumerable.Empty<string>())
        {
            validator.Add(name, "is not a parameter of the session table.");
        }
    }

    /// <summary>The query to store; read after validation, so it is valid.</summary>
    public SavedQuery ToSaved()
    {
        var (query, _, _) = AsTableQuery().Read();
        return new SavedQuery(Search, Status, UserId, ClientId, Kind, MicrotenantId, IpAddress, query.CreatedAfter, query.CreatedBefore, Sort, PageSize);
    }

    private SessionTableQuery AsTableQuery() => new(
        Search: Text(Search), Status: Text(Status), UserId: Text(UserId), ClientId: Text(ClientId), Kind: Text(Kind),
        MicrotenantId: Text(MicrotenantId), IpAddress: Text(IpAddress), CreatedAfter: Text(CreatedAfter), CreatedBefore: Text(CreatedBefore),
        Sort: Text(Sort), Page: null, PageSize: Text(PageSize?.ToString(CultureInfo.InvariantCulture)), Cursor: null);

    private static string[]? Text(string? value) => value is null ? null : [value];
}

/// <summary>A saved session-table query, as saved: null where a parameter was not given.</summary>
public sealed record FilterQueryDto(
    string? Search,
    string? Status,
    string? UserId,
    string? ClientId,
    string? Kind,
    string? MicrotenantId,
    string? IpAddress,
    DateTimeOffset? CreatedAfter,
    DateTimeOffset? CreatedBefore,
    string? Sort,
    int? PageSize)
{
    /// <summary>The contract's shape of a stored query.</summary>
    public static FilterQueryDto From(SavedQuery q) => new(
        q.Search, q.Status, q.UserId, q.ClientId, q.Kind, q.MicrotenantId, q.IpAddress, q.CreatedAfter, q.CreatedBefore, q.Sort, q.PageSize);
}

/// <summary>One saved filter.</summary>
public sealed record SavedFilterDto(string Name, FilterQueryDto Query, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IAuditable
{
    /// <inheritdoc/>
    /// <remarks>The query as saved: what a later reader of the log needs to know what the filter showed.</remarks>
    public void Describe(AuditDescription audit) => audit.Details["query"] = Query;

    /// <summary>The contract's shape of a stored filter.</summary>
    public static SavedFilterDto From(SavedFilter f) => new(f.Name, FilterQueryDto.From(f.Query), f.CreatedAt, f.UpdatedAt);
}
