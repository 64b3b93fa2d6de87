using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>
/// How a submission is flagged for the care team (docs/adr/0007): a <c>meta.tag</c> on the submitted
/// QuestionnaireResponse, set by the server (never trusted from the browser), searchable with
/// <c>QuestionnaireResponse?_tag=http://patientvoice.example.org/fhir/CodeSystem/pv-review-flag|safety-terms</c>.
/// </summary>
public static class ReviewFlag
{
    public const string System = "http://patientvoice.example.org/fhir/CodeSystem/pv-review-flag";

    /// <summary>Free text contained words from the reviewed safety list (Patients/safety-terms.json).</summary>
    public const string SafetyTerms = "safety-terms";

    /// <summary>Sets or clears the tag on <paramref name="response"/> from its free-text answers.</summary>
    public static bool Apply(QuestionnaireResponse response, SafetyTerms terms)
    {
        var flagged = FreeText(response.Item).Any(terms.Matches);
        response.Meta ??= new Meta();
        response.Meta.Tag.RemoveAll(t => t.System == System && t.Code == SafetyTerms);
        if (flagged)
        {
            response.Meta.Tag.Add(new Coding(System, SafetyTerms, "Free text with words that may need prompt attention"));
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
