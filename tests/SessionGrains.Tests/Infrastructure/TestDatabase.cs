using System.Data.Common;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>One empty database of its own for a test: which provider, and how to reach it.</summary>
public sealed record TestDatabase(StorageKind Kind, string ConnectionString)
{
    /// <summary>The name <c>SessionGrains:Storage:Provider</c> gives this provider.</summary>
    public string ProviderName => Kind switch
    {
        StorageKind.Sqlite => "sqlite",
        StorageKind.Postgres => "postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>The silo's own provider for this database, as configuration would choose it.</summary>
    public StorageProvider CreateProvider() => StorageProvider.For(ProviderName);

    /// <summary>A connection of the provider's own driver, not yet open.</summary>
    public DbConnection CreateConnection() => CreateProvider().CreateConnection(ConnectionString);
}
