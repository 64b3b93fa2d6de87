using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Web.Health;

/// <summary>
/// Ready once the validator is built: it opens the FHIR package compiled at build time, which the host does while it
/// starts (milliseconds), so this is Healthy as soon as requests are served. Writes never wait for the background
/// warm-up; the first write of a kind compiles the schemas it needs.
/// </summary>
public sealed class ValidatorWarmHealthCheck(ProfileValidator validator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(validator.IsReady
            ? HealthCheckResult.Healthy(validator.IsWarm ? "The validator is ready and warm." : "The validator is ready (warming up in the background).")
            : HealthCheckResult.Unhealthy("The validator is not built yet."));
}
