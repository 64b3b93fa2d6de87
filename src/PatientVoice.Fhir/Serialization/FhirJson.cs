using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Serialization;

/// <summary>
/// FHIR JSON through System.Text.Json: one set of options for the whole process (building them is not cheap),
/// and parsing that reports a broken body as issues instead of throwing.
/// </summary>
public static class FhirJson
{
    /// <summary>Strict FHIR R4 JSON options; reuse them for ASP.NET Core (<c>ConfigureHttpJsonOptions</c>).</summary>
    public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions().ForFhir();

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, Options);

    /// <summary>Parses a FHIR resource, throwing <see cref="BadRequestException"/> with the parser's findings.</summary>
    public static T Parse<T>(string json) where T : Resource
    {
        var result = TryParse(json);
        if (result.Resource is T typed)
        {
            return typed;
        }

        if (result.Resource is not null)
        {
            throw new BadRequestException(
                $"Expected a {typeof(T).Name} but the body is a {result.Resource.TypeName}.", "resourceType");
        }

        throw new BadRequestException(result.Issues);
    }

    /// <summary>Parses a FHIR resource; a body that is not valid FHIR JSON yields issues, never an exception.</summary>
    public static FhirParseResult TryParse(string json)
    {
        try
        {
            var resource = JsonSerializer.Deserialize<Resource>(json, Options);
            return resource is null
                ? new FhirParseResult(null, [new FhirIssue(OperationOutcome.IssueType.Structure, "The body is JSON null, not a FHIR resource.")])
                : new FhirParseResult(resource, []);
        }
        catch (DeserializationFailedException e)
        {
            var issues = e.Exceptions
                .Select(x => new FhirIssue(OperationOutcome.IssueType.Structure, x.Message, LocationOf(x)))
                .ToList();
            return new FhirParseResult(null, issues.Count > 0 ? issues : [new FhirIssue(OperationOutcome.IssueType.Structure, e.Message)]);
        }
        catch (JsonException e)
        {
            return new FhirParseResult(null, [new FhirIssue(OperationOutcome.IssueType.Structure, $"The body is not valid JSON: {e.Message}")]);
        }
    }

    private static string? LocationOf(Exception e) =>
        e is ExtendedCodedException coded && !string.IsNullOrEmpty(coded.InstancePath) ? coded.InstancePath : null;
}

/// <summary>What parsing produced: a resource, or the issues that explain why there is none.</summary>
public sealed record FhirParseResult(Resource? Resource, IReadOnlyList<FhirIssue> Issues);
