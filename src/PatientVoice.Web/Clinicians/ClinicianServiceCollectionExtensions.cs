using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Web.Clinicians.Review;
using PatientVoice.Web.Clinicians.Summary;

namespace PatientVoice.Web.Clinicians;

/// <summary>The clinician side: the summary, what clinicians record on it, and what the patient is told back.</summary>
public static class ClinicianServiceCollectionExtensions
{
    public static IServiceCollection AddClinicians(this IServiceCollection services)
    {
        services.AddSingleton<SummaryStoreQueries>();
        services.AddSingleton<SafetyFlagReader>();
        services.AddSingleton<ClinicianSummaryReader>();
        services.AddSingleton<ClinicianWrites>();
        services.AddSingleton<AgendaOutcomeRecorder>();
        services.AddSingleton<ReadAcknowledgements>();
        services.AddSingleton<GoalAgreement>();
        services.AddSingleton<ClinicianFollowUpReader>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
