using Microsoft.Playwright;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// Debian's Chromium (the <c>chromium</c> package, which scripts/test.sh installs), driven by
/// Playwright's driver from the NuGet package. Playwright's own browser download does not work on
/// these machines, so its bundled browsers are never used.
/// </summary>
public static class Chromium
{
    /// <summary>Where the Debian package puts the browser's launcher.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// Starts one headless Chromium. <c>--no-sandbox</c>: the tests run as root in a container,
    /// where Chromium's sandbox cannot start.
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install Debian's chromium package (scripts/test.sh does).");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// A context's fixed settings, so screenshots and formatted text come out the same on every
    /// machine: one viewport, US English, UTC.
    /// </summary>
    public static BrowserNewContextOptions ContextOptions(Uri baseAddress) => new()
    {
        BaseURL = baseAddress.ToString().TrimEnd('/'),
        ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        DeviceScaleFactor = 1,
        Locale = "en-US",
        TimezoneId = "UTC",
        ColorScheme = ColorScheme.Light,
    };
}
