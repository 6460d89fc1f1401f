namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>
/// A token bucket over real time: at most <c>perSecond</c> deliveries a second, with up to one
/// second's worth at once. Real time, not the session clock: it paces work this process does, and
/// a test that holds session time still must not hold deliveries still.
/// </summary>
internal sealed class DeliveryPace(int perSecond)
{
    private readonly TimeProvider _clock = TimeProvider.System;
    private double _tokens = perSecond;
    private long _last = TimeProvider.System.GetTimestamp();

    /// <summary>Takes up to <paramref name="wanted"/> deliveries now; says how many.</summary>
    public int Take(int wanted)
    {
        if (perSecond <= 0)
        {
            return wanted;
        }

        var now = _clock.GetTimestamp();
        _tokens = Math.Min(perSecond, _tokens + (_clock.GetElapsedTime(_last, now).TotalSeconds * perSecond));
        _last = now;
        var taken = (int)Math.Min(wanted, Math.Floor(_tokens));
        _tokens -= taken;
        return taken;
    }

    /// <summary>Returns what was taken and not used.</summary>
    public void GiveBack(int unused)
    {
        if (perSecond > 0 && unused > 0)
        {
            _tokens = Math.Min(perSecond, _tokens + unused);
        }
    }
}
