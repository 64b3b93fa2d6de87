using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Faults;

namespace PatientVoice.Web.FhirApi.Errors;

/// <summary>
/// The one place where failures become responses: a <see cref="FhirException"/> becomes its status and
/// OperationOutcome; a store fault (<see cref="StoreFailure"/>: the database unreachable, or its disk full) becomes
/// 503 or 507 with a <c>no-store</c> OperationOutcome; anything unexpected becomes a 500 OperationOutcome with no stack
/// trace and no request content, logged by exception type and trace id only.
/// </summary>
public sealed partial class OperationOutcomeExceptionHandler(ILogger<OperationOutcomeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        FhirResult result;
        switch (exception)
        {
            case FhirException fhir:
                LogFhirError(fhir.StatusCode, httpContext.Request.Method, httpContext.TraceIdentifier);
                result = FhirResult.Of(fhir.StatusCode, fhir.ToOperationOutcome());
                break;
            case BadHttpRequestException bad:
                // Kestrel's own limits and malformed requests (e.g. a body over the server limit).
                LogFhirError(bad.StatusCode, httpContext.Request.Method, httpContext.TraceIdentifier);
                result = FhirResult.Of(bad.StatusCode, Outcome(bad.StatusCode == 413 ? OperationOutcome.IssueType.TooLong : OperationOutcome.IssueType.Invalid, "The request could not be read: " + bad.Message));
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return true;
            case var fault when StoreFailure.Classify(fault) is { } kind:
                var status = StoreFault.Status(kind);
                LogStoreFault(status, kind, StoreFailure.Code(fault), httpContext.Request.Method, httpContext.TraceIdentifier);
                StoreFault.AddRetryAfter(httpContext, kind);
                result = FhirResult.Of(status, Outcome(OperationOutcome.IssueType.NoStore, StoreFault.Diagnostics(kind, httpContext.TraceIdentifier)));
                break;
            default:
                // The message can quote request content (patient data); the type and stack trace cannot.
                LogUnexpected(exception.GetType().Name, httpContext.TraceIdentifier, exception.StackTrace);
                result = FhirResult.Of(500, Outcome(OperationOutcome.IssueType.Exception, $"An unexpected error occurred; reference {httpContext.TraceIdentifier}."));
                break;
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.Clear();
        await result.ExecuteAsync(httpContext);
        return true;
    }

    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string diagnostics, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error)
        => new()
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics }],
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR request failed with {StatusCode} ({Method}, trace {TraceId})")]
    private partial void LogFhirError(int statusCode, string method, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FHIR request failed with {StatusCode}: store {Kind} ({Code}; {Method}, trace {TraceId})")]
    private partial void LogStoreFault(int statusCode, StoreFailureKind kind, string code, string method, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {ExceptionType} while handling trace {TraceId} at {StackTrace}")]
    private partial void LogUnexpected(string exceptionType, string traceId, string? stackTrace);
}
