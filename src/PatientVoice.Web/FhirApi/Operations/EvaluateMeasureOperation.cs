using System.Globalization;
using PatientVoice.Application.Uptake;
using PatientVoice.Fhir.Errors;
using PatientVoice.Smart.Scopes;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// Who is being reached, for integrators (docs/adr/0031): <c>GET /fhir/Measure/patientvoice-uptake</c> (the Measure) and
/// <c>GET /fhir/Measure/patientvoice-uptake/$evaluate-measure?periodStart=YYYY-MM-DD&amp;periodEnd=YYYY-MM-DD</c> (the R4
/// operation; <c>reportType</c> summary only), answering a summary MeasureReport from the same use case as the clinic
/// page. Clinic-wide counts: a <c>system/</c> scope that reads MeasureReport (<c>system/MeasureReport.rs</c> or
/// <c>system/*.rs</c>); a patient's or a user's token is refused.
/// </summary>
public static class EvaluateMeasureOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet($"/Measure/{UptakeMeasureDefinition.Id}", (HttpContext http) =>
        {
            RequireSystem(http);
            return FhirResult.Of(StatusCodes.Status200OK, UptakeMeasureDefinition.Measure());
        }).WithName("measure-read").WithSummary("The uptake Measure (who is being reached)");
        fhir.MapGet($"/Measure/{UptakeMeasureDefinition.Id}/$evaluate-measure", EvaluateAsync)
            .WithName("measure-evaluate").WithSummary("Uptake per week (invited, opened, submitted) by language, respondent, channel, race and ethnicity; small counts hidden");
    }

    private static async Task<IResult> EvaluateAsync(HttpRequest request, UptakeReporter reporter, TimeProvider time, CancellationToken cancellationToken)
    {
        RequireSystem(request.HttpContext);
        if (request.Query["reportType"].ToString() is { Length: > 0 } type && type != "summary")
        {
            throw new BadRequestException($"Only reportType=summary is supported (counts, never a patient list), not '{type}'.", "reportType");
        }

        if (request.Query.ContainsKey("subject") || request.Query.ContainsKey("practitioner"))
        {
            throw new BadRequestException("The uptake report is clinic-wide: subject and practitioner are not supported.", "subject");
        }

        var start = DateOf(request, "periodStart");
        var end = DateOf(request, "periodEnd");
        var report = await reporter.ReportAsync(start, end, cancellationToken);
        return FhirResult.Of(StatusCodes.Status200OK, UptakeMeasureDefinition.Report(report, time.GetUtcNow()));
    }

    // Clinic-wide counts are the clinic's: a backend integration's system/ scope, never one patient's or user's token.
    private static void RequireSystem(HttpContext http)
    {
        var grant = FhirAccessGrant.Get(http) ?? throw new AuthenticationRequiredException("This operation needs a bearer access token.");
        if (!grant.Scopes.ContextsPermitting("MeasureReport", SmartInteractions.Read).Contains(SmartScopeContext.System))
        {
            throw new AccessDeniedException($"The uptake report needs a system/ scope that reads MeasureReport (system/MeasureReport.rs); granted: {grant.Scopes}.");
        }
    }

    private static DateOnly DateOf(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            throw new BadRequestException($"$evaluate-measure needs '{name}' (a date, YYYY-MM-DD).", name);
        }

        // A dateTime is accepted for its date (the report counts whole weeks).
        return DateOnly.TryParseExact(text.Length >= 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new BadRequestException($"'{name}' must be a date (YYYY-MM-DD).", name);
    }
}
