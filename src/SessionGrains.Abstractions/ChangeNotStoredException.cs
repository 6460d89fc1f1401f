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
}
