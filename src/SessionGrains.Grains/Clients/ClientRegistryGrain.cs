using SessionGrains.Clients;

namespace SessionGrains.Grains.Clients;

/// <summary>The durable state of a tenant's client registry (state name "clientRegistry").</summary>
[GenerateSerializer]
public sealed class ClientRegistryState
{
    /// <summary>The clients by id.</summary>
    [Id(0)] public Dictionary<string, RegisteredClient> Clients { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IClientRegistryGrain"/>
internal sealed class ClientRegistryGrain(
    [PersistentState("clientRegistry", StorageNames.Default)] IPersistentState<ClientRegistryState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time)
    : Grain, IClientRegistryGrain
{
    public async Task<(ClientChange Change, RegisteredClient? Client)> Create(string clientId, ClientRegistration registration)
    {
        var clients = state.State.Clients;
        if (clients.ContainsKey(clientId))
        {
            return (ClientChange.Exists, null);
        }

        if (clients.Count >= IClientRegistryGrain.MaxClients)
        {
            return (ClientChange.LimitReached, null);
        }

        var now = time.GetUtcNow();
        return (ClientChange.Stored, await StoreAsync(new RegisteredClient(clientId, registration, now, now)));
    }

    public async Task<(ClientChange Change, RegisteredClient? Client)> Update(string clientId, ClientRegistration registration) =>
        state.State.Clients.TryGetValue(clientId, out var existing)
            ? (ClientChange.Stored, await StoreAsync(existing with { Registration = registration, UpdatedAt = time.GetUtcNow() }))
            : (ClientChange.NotFound, null);

    public async Task<bool> Delete(string clientId)
    {
        if (!state.State.Clients.Remove(clientId))
        {
            return false;
        }

        await state.WriteOrForgetAsync(this);
        return true;
    }

    public Task<RegisteredClient?> Get(string clientId) => Task.FromResult(state.State.Clients.GetValueOrDefault(clientId));

    public Task<IReadOnlyList<RegisteredClient>> List() => Task.FromResult<IReadOnlyList<RegisteredClient>>(
        state.State.Clients.Values.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList());

    private async Task<RegisteredClient> StoreAsync(RegisteredClient client)
    {
        state.State.Clients[client.ClientId] = client;
        await state.WriteOrForgetAsync(this);
        return client;
    }
}
