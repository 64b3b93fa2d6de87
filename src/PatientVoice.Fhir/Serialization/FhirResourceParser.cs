using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Serialization;

/// <summary>
/// Reads a resource from FHIR JSON or XML and sorts what goes wrong by its meaning: a body that cannot be
/// read as FHIR (bad syntax, unknown element, wrong kind of value, unknown resource type) is a 400; a
/// resource that reads but breaks the base rules (cardinality, a code outside a required binding, a bad
/// date) is a 422. Each issue names the element it is about.
/// </summary>
public static class FhirResourceParser
{
    // Errors that mean the content could not be represented as FHIR at all.
    private static readonly HashSet<string> StructuralCodes = new(StringComparer.Ordinal)
    {
        "PVAL123", // a JSON value of the wrong kind (number where a string belongs)
        "PVAL128", // unknown element
        "PVAL130", // unknown resource type
    };

    private static readonly FhirXmlDeserializer Xml = new();

    public static Resource Parse(string body, FhirFormat format)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new BadRequestException("The request has no body; a FHIR resource was expected.", code: OperationOutcome.IssueType.Required);
        }

        try
        {
            return format == FhirFormat.Xml
                ? Xml.Deserialize<Resource>(body)
                : JsonSerializer.Deserialize<Resource>(body, FhirSerializer.JsonOptions)
                  ?? throw new BadRequestException("The body is JSON null; a FHIR resource was expected.");
        }
        catch (DeserializationFailedException e)
        {
            throw Classify(e);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"The body is not valid JSON: {Describe(e)}", code: OperationOutcome.IssueType.Structure);
        }
        catch (XmlException e)
        {
            throw new BadRequestException($"The body is not valid XML: line {e.LineNumber}, position {e.LinePosition}.", code: OperationOutcome.IssueType.Structure);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new BadRequestException("The body is not a FHIR resource: " + e.Message, code: OperationOutcome.IssueType.Structure);
        }
    }

    private static FhirException Classify(DeserializationFailedException failure)
    {
        var issues = new List<FhirIssue>();
        var structural = false;
        foreach (var error in failure.Exceptions)
        {
            structural |= error is FhirJsonException or FhirXmlException || StructuralCodes.Contains(error.ErrorCode);
            issues.Add(ToIssue(error));
        }

        return structural ? new BadRequestException(issues) : new UnprocessableEntityException(issues);
    }

    private static FhirIssue ToIssue(CodedException error)
    {
        if (error is ExtendedCodedException extended)
        {
            var type = extended.IssueType == OperationOutcome.IssueType.Exception ? OperationOutcome.IssueType.Invalid : extended.IssueType;
            var where = extended.LineNumber is { } line ? $" (line {line}, position {extended.Position})" : string.Empty;
            return new FhirIssue(type, $"{extended.ErrorCode}: {extended.BaseErrorMessage}{where}", NormalisePath(extended.InstancePath));
        }

        return new FhirIssue(OperationOutcome.IssueType.Invalid, $"{error.ErrorCode}: {error.Message}");
    }

    // The parser names the root "$this" in some messages; an OperationOutcome expression names the type.
    private static string? NormalisePath(string? path)
        => string.IsNullOrEmpty(path) || path == "$this" ? null : path;

    private static string Describe(JsonException e)
        => e.LineNumber is { } line ? $"line {line + 1}, position {e.BytePositionInLine + 1}." : e.Message;
}
