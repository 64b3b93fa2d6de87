using Microsoft.Extensions.Options;
using PatientVoice.Application.EhrSync;
using PatientVoice.Smart.Backend;
using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Application.Uptake;

public static class UptakeServiceCollectionExtensions
{
    /// <summary>
    /// The uptake report (section <c>Uptake</c>, docs/adr/0031). Demographics come from the EHR only when
    /// <c>Uptake:ReadDemographicsFromEhr</c> and <c>EhrSync:Enabled</c> are both true (the write-back's Backend Services
    /// client, asking for <c>Uptake:DemographicsScope</c> with a token of its own); otherwise they are "not available".
    /// </summary>
    public static IServiceCollection AddUptake(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(UptakeOptions.Section).Get<UptakeOptions>() ?? new UptakeOptions();
        var ehr = configuration.GetSection(EhrSyncOptions.Section).Get<EhrSyncOptions>() ?? new EhrSyncOptions();
        services.AddSingleton<UptakeReporter>();
        if (!options.ReadDemographicsFromEhr || !ehr.Enabled)
        {
            services.AddSingleton<IPatientDemographicsSource, NoPatientDemographics>();
            return services;
        }

        services.AddHttpClient(EhrPatientDemographics.HttpClientName, c => c.Timeout = options.Timeout);
        services.AddSingleton<IPatientDemographicsSource>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<EhrSyncOptions>>().Value;
            var clients = sp.GetRequiredService<IHttpClientFactory>();
            var tokens = new BackendServicesTokenClient(
                clients.CreateClient(EhrPatientDemographics.HttpClientName),
                new BackendServicesClientSettings(new Uri(settings.FhirBaseUrl!), settings.ClientId!, SigningKeyPem.LoadFile(settings.PrivateKeyPath!, settings.KeyId), options.DemographicsScope),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BackendServicesTokenClient>>());
            return new EhrPatientDemographics(clients.CreateClient(EhrPatientDemographics.HttpClientName), tokens, options, sp.GetRequiredService<ILogger<EhrPatientDemographics>>());
        });
        return services;
    }
}
