using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Web.Clinicians.ClinicList;
using PatientVoice.Web.Clinicians.Presentation;
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
        // The patient pages' reviewed term list picks the words that raised a flag (without it: every free-text answer).
        services.TryAddSingleton<SafetyTextMatch>(sp => sp.GetService<PatientVoice.Application.Submit.SafetyTerms>() is { } terms ? terms.Matches : _ => true);
        services.AddSingleton<ClinicianSummaryReader>();
        services.AddSingleton<AgendaOutcomeRecorder>();
        services.AddSingleton<ReadAcknowledgements>();
        services.AddSingleton<GoalAgreement>();
        services.AddSingleton<ClinicianFollowUpReader>();
        services.AddSingleton<ClinicListReader>();
        services.AddSingleton<SmartStyle>();
        services.AddHttpClient(SmartStyle.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
