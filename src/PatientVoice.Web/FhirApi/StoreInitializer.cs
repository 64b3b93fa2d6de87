using PatientVoice.Storage;

namespace PatientVoice.Web.FhirApi;

/// <summary>Creates the store's schema before the server takes its first request.</summary>
public sealed class StoreInitializer(IResourceStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
