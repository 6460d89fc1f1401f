using System.Reflection;
using CsvHelper;
using Microsoft.AspNetCore.Http.Metadata;
using SessionGrains.Audit;
using SessionGrains.Silo.Audit;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// The audit log as CSV (RFC 4180: a header row of the item's field names, fields quoted where
/// they hold a comma, quote or line break), every matching record, streamed: records are read a
/// page at a time and written as they come, so a million records are never held at once.
/// <c>details</c> is the record's JSON object as text. Cells are written as stored, so the file
/// parses back to the same records; open it in a spreadsheet by import, not by double-click, if
/// names or reasons could start with a formula character.
/// </summary>
public sealed class AuditCsvResult(IAsyncEnumerable<AuditRecord> records, string fileName, bool withTenant)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    /// <summary>The CSV media type.</summary>
    public const string ContentType = "text/csv";

    private static readonly string[] Header =
        ["auditId", "at", "actorKeyId", "actorName", "actorRole", "actorMicrotenantId", "clientIp", "action", "target", "outcome", "details"];

    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = $"{ContentType}; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var cancellation = httpContext.RequestAborted;
        await using var csv = CsvWriter.Create(response.Body, CsvWriterOptions.Default, leaveOpen: true);
        foreach (var name in withTenant ? [.. Header, "tenantId"] : Header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(cancellation);
        var written = 0;
        await foreach (var r in records.WithCancellation(cancellation))
        {
            csv.WriteField(r.AuditId);
            csv.WriteField(UtcTimestampConverter.Text(r.At));
            csv.WriteField(r.ActorKeyId);
            csv.WriteField(r.ActorName);
            csv.WriteField(r.ActorRole);
            csv.WriteField(r.ActorMicrotenantId);
            csv.WriteField(r.ClientIp);
            csv.WriteField(r.Action);
            csv.WriteField(r.Target);
            csv.WriteField(r.Outcome);
            csv.WriteField(r.Details);
            if (withTenant)
            {
                csv.WriteField(r.TenantId);
            }

            await csv.EndRecordAsync(cancellation);
            if (++written % 1000 == 0)
            {
                // Out to the client as it goes, so a slow reader sees progress and memory holds one page.
                await csv.FlushAsync(cancellation);
            }
        }

        await csv.FlushAsync(cancellation);
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ContentType]));
}
