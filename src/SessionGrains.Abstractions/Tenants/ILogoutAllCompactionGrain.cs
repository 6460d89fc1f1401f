using Orleans.Concurrency;

namespace SessionGrains.Tenants;

/// <summary>
/// Keeps a tenant's logout-all markers bounded without ever bringing back a session they ended
/// (key: the tenant id). While the tenant holds more than <see cref="LogoutAllRule.MaxKept"/>, it
/// takes the oldest marker, has every session that the marker covers and that is still stored as
/// active store its end (its grain applies the rule while the marker is still held, so the end is
/// the marker's), and only then has the tenant drop it. Runs beside the tenant grain, so a
/// logout-all returns without waiting for it.
/// </summary>
public interface ILogoutAllCompactionGrain : IGrainWithStringKey
{
    /// <summary>Compacts until the tenant holds no more than <see cref="LogoutAllRule.MaxKept"/> markers.</summary>
    [OneWay]
    Task Compact();
}
