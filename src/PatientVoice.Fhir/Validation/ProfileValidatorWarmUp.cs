using Microsoft.Extensions.Hosting;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// When the host starts: builds the <see cref="ProfileValidator"/> (it opens the compiled package; milliseconds, and a
/// missing or stale package stops start-up here rather than failing the first write), then compiles ahead of time, in
/// the background, what our examples and questionnaires use. Requests never wait for that second part.
/// </summary>
public sealed class ProfileValidatorWarmUp(ProfileValidator validator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        validator.EnsureReady();
        _ = validator.WarmUpAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
