using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// SDC $populate: a new <c>in-progress</c> QuestionnaireResponse for a subject, pre-filled from the launch context
/// (<c>sdc-questionnaire-launchContext</c>; <c>initialExpression</c>, <c>itemPopulationContext</c> and <c>variable</c>
/// in FHIRPath with <c>%patient</c>, <c>%user</c>, <c>%encounter</c>, <c>%questionnaire</c>, <c>%resource</c>), from
/// <c>initial</c> values, and from the subject's previous response to the same Questionnaire (matched by linkId, only
/// answers still valid for this version; a carried goal keeps the id of its Goal so submitting updates it). What could
/// not be filled comes back as issues. Needs no store and no network: the caller gives the resources. Singleton,
/// thread-safe.
/// </summary>
public sealed class QuestionnairePopulator
{
    /// <summary>Populates <paramref name="questionnaire"/> for <paramref name="context"/>.Subject.</summary>
    public Task<PopulateResult> PopulateAsync(Questionnaire questionnaire, PopulateContext context, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Populate(questionnaire, context));
    }

    /// <summary>The synchronous form of <see cref="PopulateAsync"/> (population reads nothing from outside).</summary>
    public PopulateResult Populate(Questionnaire questionnaire, PopulateContext context)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        ArgumentNullException.ThrowIfNull(context);
        var run = new PopulationRun(FhirPathExpressions.Shared, questionnaire, context);
        var response = run.Run();
        return new PopulateResult(response, run.Issues);
    }
}
