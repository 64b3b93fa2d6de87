using PatientVoice.Storage.Faults;

namespace PatientVoice.Web.FhirApi.Errors;

/// <summary>
/// How a store fault answers, the same for the FHIR API and the pages: 503 with <c>Retry-After</c> while the database
/// cannot be reached, 507 Insufficient Storage while its disk is full. Either way the request's transaction did not
/// commit, so nothing of it is half-written.
/// </summary>
public static class StoreFault
{
    /// <summary>Seconds a client should wait before trying again while the database is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    public static int Status(StoreFailureKind kind) => kind switch
    {
        StoreFailureKind.Full => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public static void AddRetryAfter(HttpContext httpContext, StoreFailureKind kind)
    {
        if (kind == StoreFailureKind.Unavailable)
        {
            httpContext.Response.OnStarting(() =>
            {
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }
    }

    public static string Diagnostics(StoreFailureKind kind, string traceId) => kind switch
    {
        StoreFailureKind.Full => $"The database has no space left to store this; nothing of the request was written. Reads still work; try the write again once space is freed (reference {traceId}).",
        _ => $"The database cannot be reached right now; the request was not carried out, and nothing of it is half-written. Try again in a few seconds (reference {traceId}).",
    };
}
