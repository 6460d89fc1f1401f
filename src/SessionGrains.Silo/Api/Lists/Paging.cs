using System.Globalization;
using Microsoft.Extensions.Primitives;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Lists;

/// <summary>The contract's paging: <c>page</c> from 1, <c>pageSize</c> 1-500 (default 10).</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    /// <summary>The largest page size.</summary>
    public const int MaxPageSize = 500;

    /// <summary>
    /// The deepest offset served: each shard keeps offset + pageSize candidates and sends them
    /// to the merge, so the cost of a page grows with its depth. Deeper lists walk by cursor.
    /// </summary>
    public const int MaxOffset = 10_000;

    /// <summary>Reads page and pageSize as given in the query, recording errors.</summary>
    public static Paging Read(StringValues page, StringValues pageSize, Validator validator)
    {
        var paging = new Paging(Read("page", page, 1, int.MaxValue), Read("pageSize", pageSize, 10, MaxPageSize));
        if ((long)(paging.Page - 1) * paging.PageSize > MaxOffset)
        {
            validator.Add("page", $"(page - 1) × pageSize must be at most {MaxOffset}; walk further with nextCursor where the list has one.", ApiProblem.PageTooDeep);
        }

        return paging;

        int Read(string name, StringValues raw, int fallback, int max)
        {
            if (raw.Count == 0)
            {
                return fallback;
            }

            if (raw.Count > 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
            {
                validator.Add(name, $"must be a whole number from 1 to {max}.");
                return fallback;
            }

            return value;
        }
    }

    /// <summary>How many items come before this page, capped so that skip plus take fits an int.</summary>
    public int Skip => (int)Math.Min((long)(Page - 1) * PageSize, int.MaxValue - PageSize);

    /// <summary>The contract's list shape for one page of <paramref name="all"/>.</summary>
    public PageOf<T> Of<T>(IReadOnlyList<T> all) =>
        new(all.Skip(Skip).Take(PageSize).ToList(), all.Count, Page, PageSize);
}
