using SessionGrains.Audit;

namespace SessionGrains.Silo.Audit;

/// <summary>
/// Which records of the log to read, newest first: null fields mean "no filter". <see cref="From"/>
/// and <see cref="To"/> are inclusive. <see cref="ActorMicrotenantId"/> is the reader's scope: a
/// microtenant-scoped reader sees the records of its microtenant's keys only. <see cref="After"/>
/// (a keyset cursor's place) or <see cref="Skip"/> says where the page starts.
/// </summary>
public sealed record AuditQuery(
    string? TenantId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Action,
    string? ActorKeyId,
    string? Outcome,
    string? ActorMicrotenantId,
    int Skip,
    int Take,
    AuditPosition? After = null);

/// <summary>A record's place in the log's order (newest first): its time, then its id.</summary>
public sealed record AuditPosition(DateTimeOffset At, string AuditId);

/// <summary>One page of the log: its records, the exact number matching, and the place of its last record when more follow.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, long Total, AuditPosition? Next);
