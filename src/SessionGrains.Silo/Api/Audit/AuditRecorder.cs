using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using SessionGrains.Audit;
using SessionGrains.Grains;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// Writes one record for one answered request: the caller as the actor, the request's address,
/// the action, target, outcome and details, stamped by the session clock. Returns once the record
/// is stored.
/// </summary>
public sealed class AuditRecorder(
    AuditStore store, IOptions<AuditOptions> options, IOptions<JsonOptions> json, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>Longest target stored: a refused request's path can be long; a record must not be.</summary>
    public const int MaxTargetLength = 512;

    private const int MaxClientIpLength = 64;

    /// <summary>Whether records are written at all (<see cref="AuditOptions.Enabled"/>).</summary>
    public bool Enabled => options.Value.Enabled;

    /// <summary>
    /// Stores the record in <paramref name="tenantLog"/>. It is not cancelled with the request: an
    /// action that took effect is recorded even when its caller has gone. A failed write throws
    /// <see cref="AuditNotStoredException"/>, so the request is not answered as if it were recorded.
    /// </summary>
    public async Task RecordAsync(HttpContext http, string tenantLog, string action, string outcome, AuditDescription description)
    {
        if (!Enabled)
        {
            return;
        }

        var record = Build(http, tenantLog, action, outcome, description);
        try
        {
            await store.WriteAsync(record, CancellationToken.None);
        }
        catch (Exception ex)
        {
            throw new AuditNotStoredException(ex);
        }
    }

    /// <summary>The record of <paramref name="http"/>'s caller doing <paramref name="action"/>, now, in <paramref name="tenantLog"/>.</summary>
    public AuditRecord Build(HttpContext http, string tenantLog, string action, string outcome, AuditDescription description)
    {
        var caller = http.GetCaller();
        var at = time.GetUtcNow();
        return new AuditRecord(
            AuditIds.Next(at),
            tenantLog,
            DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()),
            caller.KeyId ?? Caller.OperatorName,
            caller.KeyName,
            caller.IsOperator ? Caller.OperatorName : caller.Role?.Name() ?? "unknown",
            caller.MicrotenantId,
            Truncate(ClientIp(http.Connection.RemoteIpAddress), MaxClientIpLength),
            action,
            Truncate(description.Target, MaxTargetLength),
            outcome,
            JsonSerializer.Serialize(description.Details, json.Value.SerializerOptions));
    }

    private static string? ClientIp(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static string? Truncate(string? text, int length) => text is { Length: var n } && n > length ? text[..length] : text;
}

/// <summary>
/// An administrative request was answered but its audit record could not be stored: the request
/// answers 503 rather than claim a success the log does not hold.
/// </summary>
public sealed class AuditNotStoredException(Exception inner)
    : Exception("The audit record of this request could not be stored.", inner);
