using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Errors;

/// <summary>
/// A failure that has a FHIR meaning: an HTTP status and the issues of an OperationOutcome. Thrown anywhere
/// (store, search, validation, API) and turned into a response in exactly one place in the web host.
/// </summary>
public abstract class FhirException : Exception
{
    protected FhirException(int statusCode, IReadOnlyList<FhirIssue> issues)
        : base(issues.Count > 0 ? issues[0].Diagnostics : "FHIR error")
    {
        StatusCode = statusCode;
        Issues = issues;
    }

    protected FhirException(int statusCode, OperationOutcome.IssueType code, string diagnostics, string? expression = null)
        : this(statusCode, [new FhirIssue(code, diagnostics, expression)])
    {
    }

    public int StatusCode { get; }

    public IReadOnlyList<FhirIssue> Issues { get; }

    public OperationOutcome ToOperationOutcome()
    {
        var outcome = new OperationOutcome();
        foreach (var issue in Issues)
        {
            outcome.Issue.Add(issue.ToComponent());
        }

        return outcome;
    }
}

/// <summary>400: the request is malformed (unparseable body, wrong id, bad search parameter).</summary>
public sealed class BadRequestException : FhirException
{
    public BadRequestException(string diagnostics, string? expression = null, OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid)
        : base(400, code, diagnostics, expression) { }

    public BadRequestException(IReadOnlyList<FhirIssue> issues) : base(400, issues) { }
}

/// <summary>404: no such resource type, or no resource with that id.</summary>
public sealed class ResourceNotFoundException(string diagnostics)
    : FhirException(404, OperationOutcome.IssueType.NotFound, diagnostics);

/// <summary>410: the resource existed and was deleted.</summary>
public sealed class ResourceGoneException(string diagnostics)
    : FhirException(410, OperationOutcome.IssueType.Deleted, diagnostics);

/// <summary>405: the interaction is not allowed on this endpoint.</summary>
public sealed class MethodNotAllowedException(string diagnostics)
    : FhirException(405, OperationOutcome.IssueType.NotSupported, diagnostics);

/// <summary>406: none of the formats the client accepts can be produced.</summary>
public sealed class NotAcceptableException(string diagnostics)
    : FhirException(406, OperationOutcome.IssueType.NotSupported, diagnostics);

/// <summary>409: the request conflicts with the current state of the store.</summary>
public sealed class ResourceConflictException(string diagnostics)
    : FhirException(409, OperationOutcome.IssueType.Conflict, diagnostics);

/// <summary>412: If-Match named a version that is not the current one, or a conditional matched more than one.</summary>
public sealed class PreconditionFailedException(string diagnostics)
    : FhirException(412, OperationOutcome.IssueType.Conflict, diagnostics);

/// <summary>413: the body is larger than the configured limit.</summary>
public sealed class PayloadTooLargeException(string diagnostics)
    : FhirException(413, OperationOutcome.IssueType.TooLong, diagnostics);

/// <summary>415: the body is in a format we do not read.</summary>
public sealed class UnsupportedMediaTypeException(string diagnostics)
    : FhirException(415, OperationOutcome.IssueType.NotSupported, diagnostics);

/// <summary>422: the resource parses but breaks FHIR rules or a profile.</summary>
public sealed class UnprocessableEntityException : FhirException
{
    public UnprocessableEntityException(string diagnostics, string? expression = null)
        : base(422, OperationOutcome.IssueType.Processing, diagnostics, expression) { }

    public UnprocessableEntityException(IReadOnlyList<FhirIssue> issues) : base(422, issues) { }
}
