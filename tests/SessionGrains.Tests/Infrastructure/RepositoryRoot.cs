namespace SessionGrains.Tests.Infrastructure;

/// <summary>The repository the tests were built from: scripts, manifests and profiles are read from it.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding SessionGrains.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SessionGrains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionGrains.sln above {AppContext.BaseDirectory}.");
    }
}
