namespace SessionGrains.Silo.Api.Sessions;

/// <summary>How a bulk route (terminate, renew) acts on each of its ids and answers per id.</summary>
public static class PerSessionOutcomes
{
    /// <summary>
    /// Runs <paramref name="act"/> once per distinct id, all at once, and answers one outcome per id
    /// asked, in the order asked (a repeated id gets the outcome of its one call), named by <paramref name="name"/>.
    /// </summary>
    public static async Task<List<BulkOutcomeDto>> OfAsync<TOutcome>(
        IReadOnlyList<string?> sessionIds, Func<string, Task<TOutcome>> act, Func<TOutcome, string> name)
    {
        var ids = sessionIds.Select(id => id!).ToList();
        var outcomes = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(async id => (Id: id, Outcome: await act(id))));
        var byId = outcomes.ToDictionary(o => o.Id, o => o.Outcome, StringComparer.Ordinal);
        return ids.Select(id => new BulkOutcomeDto(id, name(byId[id]))).ToList();
    }
}
