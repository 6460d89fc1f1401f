namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// Keeps the first <c>capacity</c> items of a stream in a comparer's order with a bounded
/// max-heap: O(n log k) and O(k) memory, so a deep page never sorts a whole shard. The comparer
/// is a struct type parameter, so the comparisons of a scan (one per item once the heap is full)
/// are direct, inlinable calls rather than delegate and interface calls.
/// </summary>
internal sealed class TopK<T, TComparer>(int capacity, TComparer comparer)
    where TComparer : struct, IComparer<T>
{
    // Max-heap by the comparer: the root is the worst item kept, the first to go.
    private T[] _heap = new T[Math.Min(capacity, 1024)];
    private int _count;

    public void Offer(in T item)
    {
        if (_count < capacity)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, (int)Math.Min((long)_heap.Length * 2, capacity));
            }

            _heap[_count] = item;
            SiftUp(_count++);
        }
        else if (capacity > 0 && comparer.Compare(item, _heap[0]) < 0)
        {
            _heap[0] = item;
            SiftDown(0);
        }
    }

    /// <summary>The kept items, best first.</summary>
    public T[] Sorted()
    {
        var items = _heap.AsSpan(0, _count).ToArray();
        items.AsSpan().Sort(comparer);
        return items;
    }

    private void SiftUp(int i)
    {
        var heap = _heap;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (comparer.Compare(heap[i], heap[parent]) <= 0)
            {
                return;
            }

            (heap[i], heap[parent]) = (heap[parent], heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        var heap = _heap;
        var count = _count;
        while (true)
        {
            var worst = i;
            var left = (2 * i) + 1;
            var right = left + 1;
            if (left < count && comparer.Compare(heap[left], heap[worst]) > 0)
            {
                worst = left;
            }

            if (right < count && comparer.Compare(heap[right], heap[worst]) > 0)
            {
                worst = right;
            }

            if (worst == i)
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
