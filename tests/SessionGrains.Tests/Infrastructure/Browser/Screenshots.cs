using Microsoft.Playwright;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// PNG screenshots of pages the browser tests reach, for people to look at (and for the README).
/// They go to <c>screenshots/</c> beside the test binaries, or to the folder named by
/// <c>SESSIONGRAINS_SCREENSHOTS</c> (say, to collect them from a CI run or to refresh docs images).
/// </summary>
public static class Screenshots
{
    /// <summary>The environment variable naming another folder for the screenshots.</summary>
    public const string FolderVariable = "SESSIONGRAINS_SCREENSHOTS";

    /// <summary>The folder the screenshots are saved in (created on first save).</summary>
    public static string Folder { get; } =
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>
    /// Saves the page as <c>&lt;folder&gt;/&lt;name&gt;.png</c> and returns the file's path.
    /// <paramref name="fullPage"/> takes the whole scrollable page rather than the viewport.
    /// Animations are stopped and the caret hidden, so two runs give the same picture.
    /// </summary>
    public static async Task<string> SaveAsync(IPage page, string name, bool fullPage = false)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a file name.", nameof(name));
        }

        Directory.CreateDirectory(Folder);
        var file = Path.Combine(Folder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = file,
            FullPage = fullPage,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
            Timeout = 15_000,
        });
        return file;
    }
}
