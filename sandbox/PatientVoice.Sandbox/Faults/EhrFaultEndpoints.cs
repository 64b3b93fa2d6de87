using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Sandbox.Faults;

/// <summary>
/// Fault switches, so tests can prove PatientVoice loses nothing when the EHR is down:
/// <c>POST /sandbox/faults?kind=unavailable|too-many-requests|hang&amp;seconds=N</c> turns one on for N seconds,
/// <c>DELETE /sandbox/faults</c> turns it off. While on, every request under <c>/fhir</c> (but discovery) fails so.
/// </summary>
public static class EhrFaultEndpoints
{
    public static void MapEhrFaults(this WebApplication app)
    {
        app.MapPost("/sandbox/faults", (string kind, int? seconds, EhrFaultSwitch faults) =>
        {
            EhrFaultKind? parsed = kind switch
            {
                "unavailable" => EhrFaultKind.Unavailable,
                "too-many-requests" => EhrFaultKind.TooManyRequests,
                "hang" => EhrFaultKind.Hang,
                _ => null,
            };
            if (parsed is null || seconds is < 1 or > 3600)
            {
                return Results.BadRequest(new { error = "kind must be unavailable, too-many-requests or hang; seconds 1 to 3600 (default 60)." });
            }

            faults.TurnOn(parsed.Value, TimeSpan.FromSeconds(seconds ?? 60));
            return Results.NoContent();
        }).DisableAntiforgery();
        app.MapDelete("/sandbox/faults", (EhrFaultSwitch faults) =>
        {
            faults.TurnOff();
            return Results.NoContent();
        });

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/fhir") || path.StartsWithSegments("/fhir/.well-known")
                || context.RequestServices.GetRequiredService<EhrFaultSwitch>().Current is not { } fault)
            {
                await next(context);
                return;
            }

            var wait = fault.Until - DateTimeOffset.UtcNow;
            if (fault.Kind == EhrFaultKind.Hang)
            {
                try
                {
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var status = fault.Kind == EhrFaultKind.TooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.ContentType = "application/fhir+json";
            var outcome = new OperationOutcome
            {
                Issue =
                [
                    new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error,
                        Code = OperationOutcome.IssueType.Transient,
                        Diagnostics = "The sandbox EHR is failing on purpose (a fault switch is on); try again later.",
                    },
                ],
            };
            await context.Response.WriteAsync(FhirSerializer.ToJson(outcome), context.RequestAborted);
        });
    }
}
