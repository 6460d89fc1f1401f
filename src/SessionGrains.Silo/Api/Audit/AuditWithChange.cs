using SessionGrains.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// The success record of a route marked <see cref="AuditedAction.StoredWithChange"/>, made by
/// <see cref="AuditFilter"/> before the handler runs (a request feature). The handler takes it and
/// hands it to the grain that makes the change, which stores it in the same write: the action
/// then costs no commit of its own for its record, and the change and its record are durable
/// together. A record taken is one the filter does not write again when the answer is a success.
/// </summary>
public sealed class AuditWithChange(AuditRecord record)
{
    /// <summary>Whether the handler took the record (and so answers for its storage).</summary>
    public bool Taken { get; private set; }

    /// <summary>The record, for the grain call that makes the change.</summary>
    public AuditRecord Take()
    {
        Taken = true;
        return record;
    }
}

/// <summary>Reading the record of <see cref="AuditWithChange"/> in a handler.</summary>
public static class AuditWithChangeExtensions
{
    /// <summary>The success record this request's change is to store with it, or null when the log is off.</summary>
    public static AuditRecord? TakeAuditRecord(this HttpContext http) => http.Features.Get<AuditWithChange>()?.Take();
}
