namespace SessionGrains.Tests.Infrastructure;

/// <summary>The databases the silo supports, each of which the tests run on.</summary>
public enum StorageKind
{
    Sqlite,
    Postgres,
}
