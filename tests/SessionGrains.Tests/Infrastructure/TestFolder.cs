namespace SessionGrains.Tests.Infrastructure;

/// <summary>The tests' own temporary folder: SQLite files, and the working directory of silo processes.</summary>
public static class TestFolder
{
    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sessiongrains-tests");

    /// <summary>The folder, created when missing.</summary>
    public static string Create() => Directory.CreateDirectory(Path).FullName;
}
