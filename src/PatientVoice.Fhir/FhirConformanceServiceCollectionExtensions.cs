using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir;

public static class FhirConformanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers our conformance package, the process-wide <see cref="ProfileValidator"/> (warmed in the background
    /// when the host starts) the <see cref="QuestionnaireResponseValidator"/>, the <see cref="QuestionnaireResponseExtractor"/> and
    /// <see cref="ProvenExtraction"/>.
    /// </summary>
    public static IServiceCollection AddFhirConformance(this IServiceCollection services, Action<ConformanceOptions>? configure = null)
    {
        var options = services.AddOptions<ConformanceOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => ConformancePackage.Load(sp.GetRequiredService<IOptions<ConformanceOptions>>().Value.ProfilesDirectory));
        services.TryAddSingleton<ProfileValidator>();
        services.TryAddSingleton<QuestionnaireResponseValidator>();
        services.TryAddSingleton<QuestionnaireResponseExtractor>();
        services.TryAddSingleton<ProvenExtraction>();
        services.TryAddSingleton<Questionnaires.Populate.QuestionnairePopulator>();
        services.AddHostedService<ProfileValidatorWarmUp>();
        return services;
    }
}
