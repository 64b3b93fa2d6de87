using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Web.Health;

/// <summary>
/// Ready once the validator is warm. Before that, writes wait for it (they are never let through
/// unvalidated), so a load balancer should hold traffic back until this says Healthy.
/// </summary>
public sealed class ValidatorWarmHealthCheck(ProfileValidator validator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(validator.IsWarm
            ? HealthCheckResult.Healthy("The validator is warm.")
            : HealthCheckResult.Unhealthy("The validator is still warming up; writes would wait."));
}
