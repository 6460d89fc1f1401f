namespace SessionGrains;

/// <summary>
/// Marks a grain method whose second run differs from its first (a sign-in opens another
/// session; a refresh rotates again, and a rotated token presented twice reads as theft). When
/// the silo that held the grain is lost after the call was sent, the call may or may not have
/// run, so such a method is not sent again: the caller gets the failure (HTTP 503) instead.
/// Calls the target refused before running them are retried whatever the method.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AtMostOnceAttribute : Attribute;
