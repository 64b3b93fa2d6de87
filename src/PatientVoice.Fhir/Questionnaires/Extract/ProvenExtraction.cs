using System.Runtime.CompilerServices;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// The questionnaires whose extraction is proven valid by construction (docs/adr/0034): the ones we ship
/// (<see cref="ConformancePackage.Questionnaires"/> and <see cref="ConformancePackage.PreviousQuestionnaires"/>), exactly
/// as shipped. For a response to one of them that passes full validation (its profiles and its Questionnaire), every
/// resource <see cref="QuestionnaireResponseExtractor"/> builds from it, and the Provenance, passes full validation too:
/// the differential test (tests/PatientVoice.Fhir.Tests/Differential/ExtractionProofTests) checks that claim against full
/// Firely validation over 10,000+ generated and mutated submissions of every shipped questionnaire. So a submission
/// validates its response, and what the extractor built from it need not be validated again.
/// <para>
/// "Exactly as shipped" is decided on content, not on the canonical: anyone with write access to Questionnaires can store
/// one under our url and version, or change the stored copy, and what it extracts is then validated in full. Decided once
/// per parsed instance (the questionnaire lookup caches those per stored version).
/// </para>
/// </summary>
public sealed class ProvenExtraction
{
    private readonly Dictionary<string, string> _shipped;
    private readonly ConditionalWeakTable<Questionnaire, StrongBox<bool>> _decided = [];

    public ProvenExtraction(ConformancePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        _shipped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var questionnaire in package.Questionnaires.Concat(package.PreviousQuestionnaires))
        {
            _shipped[Key(questionnaire)] = Content(questionnaire);
        }
    }

    /// <summary>True when <paramref name="questionnaire"/> is one we ship, with the same content (its id and meta aside).</summary>
    public bool Covers(Questionnaire questionnaire)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        return _decided.GetValue(questionnaire, q => new StrongBox<bool>(
            _shipped.TryGetValue(Key(q), out var shipped) && string.Equals(shipped, Content(q), StringComparison.Ordinal))).Value;
    }

    private static string Key(Questionnaire questionnaire) => $"{questionnaire.Url}|{questionnaire.Version}";

    // What the store adds (id, meta) is not content; everything else is, the narrative included.
    private static string Content(Questionnaire questionnaire)
    {
        var copy = (Questionnaire)questionnaire.DeepCopy();
        copy.Id = null;
        copy.Meta = null;
        return FhirJson.Serialize(copy);
    }
}
