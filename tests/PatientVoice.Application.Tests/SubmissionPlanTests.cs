using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;

namespace PatientVoice.Application.Tests;

/// <summary>
/// How a submission's transaction becomes the runner's entries, the same for every door (the direct endpoint and a
/// client's transaction Bundle): what the extractor built is marked, the goals the submission ends are not.
/// </summary>
public sealed class SubmissionPlanTests
{
    [Fact]
    public void The_extracted_entries_are_confined_to_their_response_and_conform_by_construction_when_the_extraction_is_proven()
    {
        var requests = Plan(proven: true).Requests(responseIndex: 4, firstOtherIndex: 9);

        Assert.Equal([4, 9, 10, 11, 12], requests.Select(r => r.Index));
        Assert.Equal([null, "QuestionnaireResponse/r1", "QuestionnaireResponse/r1", "QuestionnaireResponse/r1", null], requests.Select(r => r.ConditionalScope));
        Assert.Equal([false, true, true, true, false], requests.Select(r => r.ConformsByConstruction));
    }

    [Fact]
    public void Without_a_proven_extraction_every_entry_is_validated_and_the_extracted_ones_are_still_confined_to_their_response()
    {
        var requests = Plan(proven: false).Requests(responseIndex: 0, firstOtherIndex: 1);

        Assert.All(requests, r => Assert.False(r.ConformsByConstruction));
        Assert.Equal([null, "QuestionnaireResponse/r1", "QuestionnaireResponse/r1", "QuestionnaireResponse/r1", null], requests.Select(r => r.ConditionalScope));
    }

    // The response, two extracted goals (conditional on their identifiers), the Provenance, and a goal the submission ends.
    private static SubmissionPlan Plan(bool proven) => new(null, new Bundle
    {
        Type = Bundle.BundleType.Transaction,
        Entry =
        [
            Entry(new QuestionnaireResponse { Id = "r1" }, Bundle.HTTPVerb.PUT, "QuestionnaireResponse/r1"),
            Entry(new Goal(), Bundle.HTTPVerb.PUT, "Goal?identifier=urn:x|r1/goal/0"),
            Entry(new Goal(), Bundle.HTTPVerb.PUT, "Goal?identifier=urn:x|r1/goal/1"),
            Entry(new Provenance(), Bundle.HTTPVerb.POST, "Provenance"),
            Entry(new Goal { Id = "ended" }, Bundle.HTTPVerb.PUT, "Goal/ended"),
        ],
    }, null, true)
    {
        Extracted = 3,
        ExtractionProven = proven,
    };

    private static Bundle.EntryComponent Entry(Resource resource, Bundle.HTTPVerb method, string url) => new()
    {
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = method, Url = url },
    };
}
