using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using PatientVoice.Storage.Faults;
using PatientVoice.Web.FhirApi.Errors;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Pages.Errors;

/// <summary>
/// An unexpected failure while a browser asked for a page (not the FHIR API, whose errors are OperationOutcomes):
/// a short page in the user's language with a reference, never a stack trace; when the store is down or full (503/507),
/// a page that says so and that what was already saved is safe. Registered before
/// the OperationOutcome handler, which takes everything this one leaves.
/// </summary>
public sealed partial class PageExceptionHandler(ILogger<PageExceptionHandler> logger) : IExceptionHandler
{
    // Letters as they are (ó, not &#xF3;); markup characters still encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        if (request.Path.StartsWithSegments("/fhir") || !request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var fault = StoreFailure.Classify(exception);
        if (fault is { } kind)
        {
            LogStoreFault(StoreFault.Status(kind), kind, StoreFailure.Code(exception), httpContext.TraceIdentifier);
        }
        else
        {
            LogUnexpected(exception.GetType().Name, httpContext.TraceIdentifier, exception.StackTrace);
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        var text = httpContext.Text<LayoutText>();
        var (title, body) = fault is null ? (text.UnexpectedTitle, text.UnexpectedBody) : (text.StoreDownTitle, text.StoreDownBody);
        httpContext.Response.Clear();
        httpContext.Response.StatusCode = fault is { } k ? StoreFault.Status(k) : StatusCodes.Status500InternalServerError;
        if (fault is { } retry)
        {
            StoreFault.AddRetryAfter(httpContext, retry);
        }

        httpContext.Response.ContentType = "text/html; charset=utf-8";
        await httpContext.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="{httpContext.GetUiLanguage().Code()}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html.Encode(title)} · {Html.Encode(text.AppName)}</title></head>
            <body><main><h1>{Html.Encode(title)}</h1><p>{Html.Encode(body)}</p>
            <p>{Html.Encode(text.Reference)}: {Html.Encode(httpContext.TraceIdentifier)}</p></main></body></html>
            """, cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 4298, Level = LogLevel.Warning, Message = "Page answered {StatusCode}: store {Kind} ({Code}), trace {TraceId}")]
    private partial void LogStoreFault(int statusCode, StoreFailureKind kind, string code, string traceId);

    [LoggerMessage(EventId = 4299, Level = LogLevel.Error, Message = "Unexpected {ExceptionType} on a page, trace {TraceId} at {StackTrace}")]
    private partial void LogUnexpected(string exceptionType, string traceId, string? stackTrace);
}
