using Microsoft.Extensions.Hosting;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// Starts warming the <see cref="ProfileValidator"/> when the host starts, without holding up start-up: requests that
/// arrive before it is warm wait inside <see cref="ProfileValidator.ValidateAsync"/>.
/// </summary>
public sealed class ProfileValidatorWarmUp(ProfileValidator validator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = validator.WarmUpAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
