using System.Globalization;

namespace SessionGrains.Silo.Api.Problems;

/// <summary>The contract's paging: <c>page</c> from 1, <c>pageSize</c> 1-500 (default 10).</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    /// <summary>The largest page size.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Reads page and pageSize from the query, recording errors.</summary>
    public static Paging Read(HttpRequest request, Validator validator)
    {
        return new Paging(Read("page", 1, int.MaxValue), Read("pageSize", 10, MaxPageSize));

        int Read(string name, int fallback, int max)
        {
            var raw = request.Query[name];
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

    /// <summary>The contract's list shape for one page of <paramref name="all"/>.</summary>
    public PageOf<T> Of<T>(IReadOnlyList<T> all) =>
        new(all.Skip((int)Math.Min((long)(Page - 1) * PageSize, int.MaxValue)).Take(PageSize).ToList(), all.Count, Page, PageSize);
}

/// <summary>A page of a list with its exact total.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
