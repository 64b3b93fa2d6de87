using Hl7.Fhir.Model;

namespace PatientVoice.Application.Submit;

/// <summary>
/// How a submission is flagged for the care team (docs/adr/0013): a <c>meta.tag</c> on the submitted
/// QuestionnaireResponse, set by the server (never trusted from the browser), searchable with
/// <c>QuestionnaireResponse?_tag=http://patientvoice.example.org/fhir/CodeSystem/pv-review-flag|safety-terms</c>.
/// </summary>
public static class ReviewFlag
{
    public const string System = "http://patientvoice.example.org/fhir/CodeSystem/pv-review-flag";

    /// <summary>Free text contained words from the reviewed safety list (Patients/safety-terms.json).</summary>
    public const string SafetyTerms = "safety-terms";

    /// <summary>Sets or clears the tag on <paramref name="response"/> from its free-text answers.</summary>
    public static bool Apply(QuestionnaireResponse response, SafetyTerms terms) => Set(response, FreeText(response.Item).Any(terms.Matches));

    /// <summary>Removes the tag (a response that is not a submission carries none, whatever the client sent).</summary>
    public static bool Clear(QuestionnaireResponse response) => response.Meta is null ? false : Set(response, false);

    private static bool Set(QuestionnaireResponse response, bool flagged)
    {
        response.Meta ??= new Meta();
        response.Meta.Tag.RemoveAll(t => t.System == System && t.Code == SafetyTerms);
        if (flagged)
        {
            response.Meta.Tag.Add(new Coding(System, SafetyTerms, "Free text with words that may need prompt attention"));
        }
        else if (response.Meta.Tag.Count == 0 && response.Meta.Profile.Any() == false && response.Meta.Security.Count == 0)
        {
            // An empty meta breaks ele-1 ("a value or children").
            response.Meta = null;
        }

        return flagged;
    }

    public static bool IsFlagged(Resource resource) => resource.Meta?.Tag.Any(t => t.System == System && t.Code == SafetyTerms) == true;

    private static IEnumerable<string> FreeText(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            foreach (var answer in item.Answer)
            {
                if (answer.Value is FhirString { Value: { } text })
                {
                    yield return text;
                }

                foreach (var nested in FreeText(answer.Item))
                {
                    yield return nested;
                }
            }

            foreach (var nested in FreeText(item.Item))
            {
                yield return nested;
            }
        }
    }
}
