using Microsoft.AspNetCore.Mvc;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Lists;

/// <summary>
/// The paging parameters of a list route, bound with <c>[AsParameters]</c>. Bound as text, every
/// value given, so that a bad or repeated value is a field error rather than a binding failure.
/// </summary>
public sealed record PageQuery(
    [property: FromQuery(Name = "page"), QueryType(typeof(int))] string[]? Page,
    [property: FromQuery(Name = "pageSize"), QueryType(typeof(int))] string[]? PageSize) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => Paging.Read(Page, PageSize, validator);

    /// <summary>The paging asked for; read after validation, so it is valid.</summary>
    public Paging Paging => Paging.Read(Page, PageSize, new Validator());
}
