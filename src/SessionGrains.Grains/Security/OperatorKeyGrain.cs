using SessionGrains.Security;

namespace SessionGrains.Grains.Security;

/// <summary>The durable state of the operator key grain (state name "operatorKey").</summary>
[GenerateSerializer]
public sealed class OperatorKeyState
{
    [Id(0)] public byte[]? Hash { get; set; }
}

/// <inheritdoc cref="IOperatorKeyGrain"/>
internal sealed class OperatorKeyGrain(
    [PersistentState("operatorKey", StorageNames.Default)] IPersistentState<OperatorKeyState> state)
    : Grain, IOperatorKeyGrain
{
    public async Task<GeneratedOperatorKey> Ensure(bool reset)
    {
        if (state.State.Hash is { } hash && !reset)
        {
            return new GeneratedOperatorKey(hash, null);
        }

        var key = "sgo." + Secrets.NewSecret();
        state.State.Hash = Secrets.Hash(key);
        await state.WriteStateAsync();
        return new GeneratedOperatorKey(state.State.Hash, key);
    }
}
