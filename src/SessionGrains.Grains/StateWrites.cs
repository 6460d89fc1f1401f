using Orleans.Storage;

namespace SessionGrains.Grains;

/// <summary>The one way grains store a change they have made in memory.</summary>
internal static class StateWrites
{
    /// <summary>
    /// Writes <paramref name="state"/>. When the write fails, memory is ahead of storage: the
    /// activation is dropped, so the next call reads storage and the change was never seen, and
    /// the caller gets a <see cref="ChangeNotStoredException"/> (503 over HTTP).
    /// </summary>
    public static async Task WriteOrForgetAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            grain.DeactivateOnIdle();
            throw new ChangeNotStoredException($"The {grain.GetType().Name} state could not be stored; nothing changed.", ex)
            {
                Superseded = ex is InconsistentStateException,
            };
        }
    }
}
