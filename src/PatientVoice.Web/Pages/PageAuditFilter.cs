using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Filters;
using PatientVoice.Web.Launch;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.Pages;

/// <summary>
/// The audit trail of the patient and clinician pages, beside the FHIR API's (Security/Audit): every patient or clinician
/// page a person opens (GET: <c>page-view</c>) or acts on (POST: <c>page-change</c>) becomes an AuditEvent once its
/// response is complete, with who (the session's <c>fhirUser</c> at the EHR it came from), which patient, the page and
/// handler, and the status. Never what was written or shown: the answers stay in the record, not in its audit.
/// </summary>
public sealed partial class PageAuditFilter(ISmartSessionAccessor sessions, AuditTrail audit, TimeProvider time) : IAsyncPageFilter
{
    /// <summary>The client an audited page request is recorded as (its issuer is the EHR of the session).</summary>
    public const string ClientId = "patientvoice-pages";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var page = context.ActionDescriptor.ViewEnginePath;
        if (!IsAudited(page))
        {
            await next();
            return;
        }

        var http = context.HttpContext;
        var session = await sessions.GetAsync(http, http.RequestAborted);
        var patient = session?.Patient ?? (http.Request.Query["patient"].ToString() is { } chosen && FhirId().IsMatch(chosen) ? chosen : null);
        var handler = context.HandlerMethod?.Name;
        var method = http.Request.Method;
        http.Response.OnCompleted(() => audit.RecordAsync(new AuditRecord(
            time.GetUtcNow(),
            HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? AuditRecord.PageView : AuditRecord.PageChange,
            method,
            null,
            null,
            null,
            http.Response.StatusCode,
            session?.FhirBaseUrl.ToString(),
            ClientId,
            null,
            session?.FhirUser,
            patient,
            [string.IsNullOrEmpty(handler) ? $"{method} {page}" : $"{method} {page} ({handler})"])).AsTask());
        await next();
    }

    private static bool IsAudited(string page) =>
        (page.StartsWith("/Patient/", StringComparison.Ordinal) || page.StartsWith("/Clinician/", StringComparison.Ordinal))
        && page != "/Patient/Error";

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();
}
