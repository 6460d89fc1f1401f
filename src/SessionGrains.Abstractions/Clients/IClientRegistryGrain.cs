using Orleans.Concurrency;

namespace SessionGrains.Clients;

/// <summary>The outcome of registering or changing a client.</summary>
public enum ClientChange
{
    /// <summary>Stored.</summary>
    Stored,

    /// <summary>A new client with an id already registered.</summary>
    Exists,

    /// <summary>A change of a client that is not registered.</summary>
    NotFound,

    /// <summary>A new client beyond <see cref="IClientRegistryGrain.MaxClients"/>.</summary>
    LimitReached,
}

/// <summary>
/// A tenant's registry of clients (key: tenantId): the relying parties its sessions sign in to,
/// with their back-channel logout endpoints.
/// </summary>
public interface IClientRegistryGrain : IGrainWithStringKey
{
    /// <summary>The most clients one tenant registers.</summary>
    const int MaxClients = 1000;

    /// <summary>Registers a new client; stored before it returns.</summary>
    Task<(ClientChange Change, RegisteredClient? Client)> Create(string clientId, ClientRegistration registration);

    /// <summary>Replaces a registered client's registration (its creation time stays).</summary>
    Task<(ClientChange Change, RegisteredClient? Client)> Update(string clientId, ClientRegistration registration);

    /// <summary>Removes a client; false when it was not registered.</summary>
    Task<bool> Delete(string clientId);

    /// <summary>One client, or null.</summary>
    [ReadOnly]
    Task<RegisteredClient?> Get(string clientId);

    /// <summary>Every client, by id (ordinal).</summary>
    [ReadOnly]
    Task<IReadOnlyList<RegisteredClient>> List();
}
