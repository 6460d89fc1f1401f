namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>How <see cref="BrowserFixture.NewConsoleAsync(ConsoleApiKey, SignInBy, string, string)"/> signs a browser in.</summary>
public enum SignInBy
{
    /// <summary>
    /// <c>POST /api/v1/console/session</c> with the key as bearer, sent from the browser context's
    /// own request API, so the cookie lands in the context as the server set it: fast, and what
    /// tests of anything but the sign-in page want.
    /// </summary>
    Api,

    /// <summary>Types the key into the sign-in page and submits it, as a person does.</summary>
    SignInPage,
}
