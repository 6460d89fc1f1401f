namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Endpoint metadata: the route shows or changes the whole tenant (its record and policy, keys,
/// microtenants, denylist, logout-all), so a key scoped to a microtenant is refused it whatever
/// its role. Set with <see cref="AccessConventions.TenantWide{TBuilder}"/>; <see cref="TenantAccessFilter"/> reads it.
/// </summary>
public sealed class TenantWideRoute
{
    private TenantWideRoute()
    {
    }

    /// <summary>The one instance; the metadata carries no data.</summary>
    public static TenantWideRoute Instance { get; } = new();
}
