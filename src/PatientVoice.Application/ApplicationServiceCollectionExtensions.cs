using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application.Goals;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.ReadModels;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Application.EhrSync;
using PatientVoice.Application.Export;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Subscriptions;
using PatientVoice.Application.Transactions;
using PatientVoice.Application.Uptake;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Application;

public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// The use cases every door calls (write, submit, transactions, the read models and the clinician actions), the checks every write passes, the questionnaires
    /// we ship seeded at start-up, and the EHR write-back (section <c>EhrSync</c>). Needs the store, the search parser
    /// and the validator registered beside it.
    /// </summary>
    public static IServiceCollection AddPatientVoiceApplication(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<QuestionnaireSeeder>();
        services.AddSingleton<ResourceValidation>();
        services.AddSingleton<QuestionnaireLookup>();
        services.AddSingleton<IResourceWriteValidator, ProfileWriteValidator>();
        services.AddSingleton<IResourceTransitionRule, QuestionnaireResponseStatusRule>();
        services.AddSingleton<ResourceWriter>();
        services.AddSingleton<ResourceWrites>();
        services.AddSingleton<TransactionRunner>();
        services.AddSingleton<BundleProcessing>();
        services.AddSingleton(SafetyTerms.Load());
        services.AddSingleton<ResponseRules>();
        services.AddSingleton<QuestionnaireResponseExtractor>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<CarriedGoals>();
        services.AddSingleton<PreviousResponses>();
        // The one reader of the store for the pages; the clinician summary and what clinicians record on it.
        services.AddSingleton<RecordReader>();
        services.AddSingleton<SafetyFlagReader>();
        services.AddSingleton<ClinicianSummaryReader>();
        services.AddSingleton<AgendaOutcomeRecorder>();
        services.AddSingleton<ReadAcknowledgements>();
        services.AddSingleton<GoalAgreement>();
        services.AddSingleton<ClinicianFollowUpReader>();
        services.AddSingleton<CarriedIdentities>();
        services.AddSingleton<PatientGoals>();
        // One-time links (docs/adr/0029): invitations stored as Tasks holding hashes only.
        services.AddSingleton<Invitations.Invitations>();
        // Who is being reached (docs/adr/0031): uptake per week for the clinic page and Measure/$evaluate-measure.
        services.AddUptake(configuration);
        // Write-back to the EHR: an outbox filled by submissions, a worker delivering it (off unless EhrSync:Enabled).
        services.AddEhrSync(configuration);
        // Bulk Data $export: jobs queued in the store's outbox, one worker per instance writing ndjson files (section Export).
        services.AddBulkExport(configuration);
        // Topic-based subscriptions (R4 backport): notifications queued by every write, delivered by their own worker.
        services.AddSubscriptions(configuration);
        return services;
    }
}
