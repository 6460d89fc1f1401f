namespace SessionGrains.Tests.Infrastructure;

/// <summary>The keys Orleans' ADO.NET providers look up in the OrleansQuery table, by provider.</summary>
public static class OrleansQueryKeys
{
    /// <summary>Orleans.Clustering.AdoNet.</summary>
    public static readonly string[] Clustering =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>Orleans.Reminders.AdoNet.</summary>
    public static readonly string[] Reminders =
    [
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    /// <summary>Orleans.Persistence.AdoNet.</summary>
    public static readonly string[] Persistence =
    [
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
    ];

    /// <summary>All three: what PostgreSQL, which holds membership, reminders and grain state, must store.</summary>
    public static readonly string[] All = [.. Clustering, .. Reminders, .. Persistence];
}
