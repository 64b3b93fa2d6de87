using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;

namespace PatientVoice.Fhir.Tests.Extract;

/// <summary>The completed responses, the shared SDC and LHC-Forms forms, and a clock that does not move.</summary>
internal static class ExtractionTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 16, 0, TimeSpan.Zero);

    public static TimeProvider Clock { get; } = new FixedClock(Now);

    public static QuestionnaireResponse Completed(string questionnaireId) =>
        FhirJson.Parse<QuestionnaireResponse>(File.ReadAllText(Path.Combine(RepositoryPaths.CompletedResponses, questionnaireId + ".json")));

    public static ExtractionContext ContextFor(QuestionnaireResponse response) => ExtractionContext.For(response, Clock);

    /// <summary>A shared form, as far as it parses: some LHC-Forms test files are loose with FHIR JSON on purpose.</summary>
    public static Questionnaire SharedQuestionnaire(params string[] path)
    {
        var json = File.ReadAllText(Path.Combine([RepositoryPaths.SharedConformance, .. path]));
        try
        {
            return (Questionnaire)JsonSerializer.Deserialize<Resource>(json, FhirJson.Options)!;
        }
        catch (DeserializationFailedException e) when (e.PartialResult is Questionnaire partial)
        {
            return partial;
        }
    }

    public static QuestionnaireResponse ResponseTo(Questionnaire questionnaire, string id, params QuestionnaireResponse.ItemComponent[] items) => new()
    {
        Id = id,
        Questionnaire = questionnaire.Url,
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Subject = new ResourceReference("Patient/example-patient"),
        Author = new ResourceReference("Patient/example-patient"),
        Authored = "2026-11-20T10:15:00Z",
        Item = items.ToList(),
    };

    public static QuestionnaireResponse.ItemComponent Answer(string linkId, params DataType[] values) => new()
    {
        LinkId = linkId,
        Answer = values.Select(v => new QuestionnaireResponse.AnswerComponent { Value = v }).ToList(),
    };

    public static QuestionnaireResponse.ItemComponent Group(string linkId, params QuestionnaireResponse.ItemComponent[] items) => new()
    {
        LinkId = linkId,
        Item = items.ToList(),
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
