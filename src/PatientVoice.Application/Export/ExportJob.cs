using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientVoice.Application.Export;

/// <summary>Which kick-off a job came from: <c>[base]/$export</c>, <c>[base]/Patient/$export</c>, <c>[base]/Group/[id]/$export</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExportLevel>))]
public enum ExportLevel
{
    System,
    Patient,
    Group,
}

/// <summary>The client that started a job: only a token of the same issuer and client id may poll, download or cancel it.</summary>
public sealed record ExportOwner(string? Issuer, string? ClientId)
{
    public bool IsSameClientAs(ExportOwner other)
        => ClientId is not null && string.Equals(Issuer, other.Issuer, StringComparison.Ordinal) && string.Equals(ClientId, other.ClientId, StringComparison.Ordinal);
}

/// <summary>
/// What one resource type of a job exports, as the kick-off decided from its parameters and its token.
/// <paramref name="PatientParameter"/>: the search parameter naming a resource's patient (null for shared definitions,
/// which are exported whole). <paramref name="Patients"/>: only these patients' resources (the token reaches one patient,
/// or the <c>patient</c> parameter), null for no such limit. <paramref name="AnyPatient"/>: only resources that name a
/// patient (a Patient-level export). <paramref name="Filters"/>: <c>_typeFilter</c> queries (without <c>Type?</c>), ORed.
/// </summary>
public sealed record ExportTypePlan(string Type, string? PatientParameter, IReadOnlyList<string>? Patients, bool AnyPatient, IReadOnlyList<string> Filters);

/// <summary>
/// A Bulk Data export as persisted in the store's outbox (topic <see cref="Topic"/>, key <see cref="Id"/>): the request as
/// the client sent it, the time the export is as of (<see cref="TransactionTime"/>: nothing changed later is written), who
/// asked, and the plan per type. Ids and parameters only, never patient text.
/// </summary>
public sealed record ExportJob(
    string Id,
    ExportLevel Level,
    string? GroupId,
    string Request,
    DateTimeOffset TransactionTime,
    DateTimeOffset? Since,
    ExportOwner Owner,
    IReadOnlyList<ExportTypePlan> Types,
    IReadOnlyList<string> Warnings)
{
    public const string Topic = "bulk-export";

    /// <summary>The reason a cancelled job's outbox message is failed with; a cancelled job is gone (404) to its client.</summary>
    public const string CancelledReason = "cancelled by the client";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ExportJob FromJson(string json)
        => JsonSerializer.Deserialize<ExportJob>(json, Json) ?? throw new JsonException("An empty export job.");
}
