namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>A key's partition: its tenant (empty for the operator) and its id, without building a string per request.</summary>
internal readonly record struct CallerKey(string TenantId, string KeyId);
