using Orleans.Runtime;

namespace SessionGrains;

/// <summary>
/// A change whose write to storage failed. Nothing of it was kept, shown or pushed to any silo:
/// the grain dropped the memory it had changed, so the caller may simply retry.
/// </summary>
[GenerateSerializer]
public sealed class ChangeNotStoredException : OrleansException
{
    public ChangeNotStoredException()
    {
    }

    public ChangeNotStoredException(string message)
        : base(message)
    {
    }

    public ChangeNotStoredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Storage held a newer version than this activation had read: another activation of the grain
    /// stored first, as happens while a stopping silo hands its grains over. The activation that
    /// failed is dropped, so the same call sent again runs on the newer state.
    /// </summary>
    [Id(0)]
    public bool Superseded { get; init; }
}
