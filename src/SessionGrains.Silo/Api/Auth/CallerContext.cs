namespace SessionGrains.Silo.Api.Auth;

/// <summary>Where the authenticated caller of a request is kept, between the filter that sets it and the handlers.</summary>
public static class CallerContext
{
    private const string Item = "sessiongrains.caller";

    /// <summary>The authenticated caller of this request (set by <see cref="AuthenticationMiddleware"/>).</summary>
    public static Caller GetCaller(this HttpContext context) => (Caller)context.Items[Item]!;

    /// <summary>The authenticated caller, or null on a route that does not authenticate.</summary>
    internal static Caller? FindCaller(this HttpContext context) => context.Items.TryGetValue(Item, out var caller) ? caller as Caller : null;

    internal static void SetCaller(this HttpContext context, Caller caller) => context.Items[Item] = caller;
}
