namespace SessionGrains.Grains.Indexing;

/// <summary>
/// Keeps the first <c>capacity</c> items of a stream in a comparer's order with a bounded
/// max-heap: O(n log k) and O(k) memory, so a deep page never sorts a whole shard.
/// </summary>
internal sealed class TopK<T>(int capacity, IComparer<T> comparer)
{
    // Max-heap by the comparer: the root is the worst item kept, the first to go.
    private readonly PriorityQueue<T, T> _heap = new(Comparer<T>.Create((a, b) => comparer.Compare(b, a)));

    public void Offer(T item)
    {
        if (capacity == 0)
        {
            return;
        }

        if (_heap.Count < capacity)
        {
            _heap.Enqueue(item, item);
        }
        else if (comparer.Compare(item, _heap.Peek()) < 0)
        {
            _heap.DequeueEnqueue(item, item);
        }
    }

    /// <summary>The kept items, best first.</summary>
    public List<T> Sorted()
    {
        var items = _heap.UnorderedItems.Select(i => i.Element).ToList();
        items.Sort(comparer);
        return items;
    }
}
