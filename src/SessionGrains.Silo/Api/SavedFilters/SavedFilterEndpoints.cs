using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.SavedFilters;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.SavedFilters;

/// <summary>
/// The calling key's saved session-table queries: list, save (or replace) and delete. Every key
/// reaches only its own grain, named by its tenant and key id, so no other key ever sees them.
/// </summary>
public static class SavedFilterEndpoints
{
    /// <summary>Maps the saved-filter routes onto the /api/v1/me/filters group.</summary>
    public static RouteGroupBuilder MapSavedFilterEndpoints(this RouteGroupBuilder filters)
    {
        filters.WithTags(ApiTags.SavedFilters);
        filters.MapGet("", ListAsync).WithName("ListFilters").WithSummary("List the key's saved filters")
            .WithDescription("Ordered by name; paged like every list.");
        filters.MapPut("/{name}", SaveAsync).Audited(AuditActions.FilterSave, "name").WithName("SaveFilter").WithSummary("Save or replace a filter")
            .WithDescription("The query is validated as the session table validates its query string (errors named query.<field>). "
                + $"A scoped key may not name another microtenant (403). At most {ISavedFiltersGrain.MaxFilters} filters a key (409 filter_limit_reached).");
        filters.MapDelete("/{name}", DeleteAsync).Audited(AuditActions.FilterDelete, "name").WithName("DeleteFilter").WithSummary("Delete a filter")
            .WithDescription("404 filter_not_found.");
        return filters;
    }

    private static async Task<Ok<PageOf<SavedFilterDto>>> ListAsync([AsParameters] PageQuery query, HttpContext http, IGrainFactory grains)
    {
        var filters = await FiltersOf(http.GetCaller(), grains).List();
        return TypedResults.Ok(query.Paging.Of(filters.Select(SavedFilterDto.From).ToList()));
    }

    private static async Task<Results<Ok<SavedFilterDto>, ApiProblem<Status403Forbidden>, ApiProblem<Status409Conflict>>> SaveAsync(
        string name, SaveFilterRequest body, HttpContext http, IGrainFactory grains)
    {
        var caller = http.GetCaller();
        var query = body.Query!.ToSaved();

        // As the session table answers a scoped reader that asks for another microtenant.
        if (!caller.TryNarrow(query.MicrotenantId, out _))
        {
            return ApiProblem.Forbidden();
        }

        return await FiltersOf(caller, grains).Save(name, query) is { } saved
            ? TypedResults.Ok(SavedFilterDto.From(saved))
            : ApiProblem.Of<Status409Conflict>("filter_limit_reached", "Filter limit reached",
                $"This key already has {ISavedFiltersGrain.MaxFilters} saved filters; delete one, or replace one by its name.");
    }

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>>> DeleteAsync(string name, HttpContext http, IGrainFactory grains) =>
        await FiltersOf(http.GetCaller(), grains).Delete(name)
            ? TypedResults.NoContent()
            : ApiProblem.Of<Status404NotFound>("filter_not_found", "Filter not found", $"This key has no saved filter '{name}'.");

    private static ISavedFiltersGrain FiltersOf(Caller caller, IGrainFactory grains) =>
        grains.GetGrain<ISavedFiltersGrain>(GrainKeys.SavedFilters(caller.TenantId, caller.KeyId ?? Caller.OperatorName));
}
