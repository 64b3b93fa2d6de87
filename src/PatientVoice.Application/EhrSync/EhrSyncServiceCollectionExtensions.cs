using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using PatientVoice.Smart.Backend;
using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Application.EhrSync;

public static class EhrSyncServiceCollectionExtensions
{
    /// <summary>
    /// The write-back to the EHR (section <c>EhrSync</c>). The enqueuer and the status reader are always there (the
    /// enqueuer does nothing while disabled); the worker, the token client and the EHR's HTTP client only when
    /// <c>EhrSync:Enabled</c> is true, and then the settings are checked at start-up.
    /// </summary>
    public static IServiceCollection AddEhrSync(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(EhrSyncOptions.Section);
        services.AddOptions<EhrSyncOptions>().Bind(section)
            .Validate(o => !o.Enabled || Uri.TryCreate(o.FhirBaseUrl, UriKind.Absolute, out _), "EhrSync:FhirBaseUrl must be an absolute URL when EhrSync:Enabled is true.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.ClientId), "EhrSync:ClientId is required when EhrSync:Enabled is true.")
            .Validate(o => !o.Enabled || File.Exists(o.PrivateKeyPath), "EhrSync:PrivateKeyPath must name a PEM file that exists when EhrSync:Enabled is true.")
            .Validate(o => o.BatchSize > 0 && o.MaxAttempts > 0 && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "EhrSync:BatchSize, MaxAttempts, Lease and PollInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<WorkerSignal<EhrSyncWorker>>();
        services.AddSingleton<EhrSyncEnqueuer>();
        services.AddSingleton<EhrSyncStatusReader>();
        var options = section.Get<EhrSyncOptions>() ?? new EhrSyncOptions();
        if (!options.Enabled)
        {
            return services;
        }

        // Per attempt timeout, retries with backoff on 408/429/5xx/timeouts honouring Retry-After, a circuit breaker:
        // the standard handler, tunable under EhrSync:Resilience (HttpStandardResilienceOptions).
        // AddStandardResilienceHandler(section) refuses an empty section: bind it only when it is there.
        var resilience = section.GetSection("Resilience");
        var pipeline = resilience.Exists()
            ? services.AddHttpClient(EhrWriteClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).AddStandardResilienceHandler(resilience)
            : services.AddHttpClient(EhrWriteClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).AddStandardResilienceHandler();
        pipeline
            .Configure(o =>
            {
                // A Retry-After longer than half the request's budget is not waited out inside the request (the total
                // timeout would end it anyway, and the EHR's answer would be lost): the outbox waits it out instead.
                var longest = o.TotalRequestTimeout.Timeout / 2;
                o.Retry.ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result?.Headers.RetryAfter?.Delta > longest));
            });
        // Token requests are not retried inside one call: a resent client assertion would reuse its jti, which the
        // authorization server refuses as a replay. The outbox retries the delivery instead.
        services.AddHttpClient(nameof(BackendServicesTokenClient), c => c.Timeout = options.TokenTimeout);
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<EhrSyncOptions>>().Value;
            var credentials = SigningKeyPem.LoadFile(settings.PrivateKeyPath!, settings.KeyId);
            return new BackendServicesTokenClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(BackendServicesTokenClient)),
                new BackendServicesClientSettings(new Uri(settings.FhirBaseUrl!), settings.ClientId!, credentials, settings.Scope),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BackendServicesTokenClient>>());
        });
        services.AddSingleton(sp => new FallbackPlan(sp.GetRequiredService<IOptions<EhrSyncOptions>>().Value.Fallbacks));
        services.AddSingleton<EhrWriteClient>();
        services.AddSingleton<EhrCapabilityCache>();
        services.AddSingleton<SubmissionDelivery>();
        services.AddHostedService<EhrSyncWorker>();
        return services;
    }
}
