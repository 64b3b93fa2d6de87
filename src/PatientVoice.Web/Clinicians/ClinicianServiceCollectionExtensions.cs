using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Web.Clinicians.ClinicList;
using PatientVoice.Web.Clinicians.Presentation;

namespace PatientVoice.Web.Clinicians;

/// <summary>The clinician pages' own parts: the clinic list and the EHR's SMART style (the summary and the clinician actions are use cases: <see cref="ApplicationServiceCollectionExtensions"/>).</summary>
public static class ClinicianServiceCollectionExtensions
{
    public static IServiceCollection AddClinicians(this IServiceCollection services)
    {
        services.AddSingleton<ClinicListReader>();
        services.AddSingleton<SmartStyle>();
        // One-time links made from the clinician page: an adapter over the Invitations use case (docs/adr/0029).
        services.AddScoped<Invitations.ClinicInvitations>();
        services.AddHttpClient(SmartStyle.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
