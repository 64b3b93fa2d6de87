using Hl7.Fhir.Model;
using PatientVoice.Application.Transactions;
using PatientVoice.Storage;

namespace PatientVoice.Application.Submit;

/// <summary>
/// What storing a submission comes to: nothing new (<see cref="Existing"/>: the If-None-Exist match, or the same
/// response again), or a <see cref="Transaction"/> to run — the response first, then what it yields, its Provenance and
/// the goals it ends — with the <see cref="Guard"/> its conditions must still pass inside the transaction.
/// </summary>
public sealed record SubmissionPlan(StoredResource? Existing, Bundle? Transaction, TransactionGuard? Guard, bool ServerNamesIt)
{
    /// <summary>
    /// How many entries after the response the extractor built from it (what it extracted and the Provenance); the goals a
    /// submission ends (read from the store) come after these and are never among them. Their conditional URLs can only
    /// match what a submission of the same response wrote (<see cref="BundleRequest.ConditionalScope"/>).
    /// </summary>
    public int Extracted { get; init; }

    /// <summary>
    /// The extraction is proven for the questionnaire it used (docs/adr/0034): the extracted entries conform when the
    /// response does, which the same transaction checks (<see cref="BundleRequest.ConformsByConstruction"/>).
    /// </summary>
    public bool ExtractionProven { get; init; }

    public static SubmissionPlan Nothing(StoredResource existing) => new(existing, null, null, false);

    /// <summary>
    /// The transaction's entries as the runner takes them, whatever the door: the response at <paramref name="responseIndex"/>
    /// with the plan's guard, the others numbered from <paramref name="firstOtherIndex"/>, those the extractor built marked
    /// (their conditional scope, and whether they conform by construction).
    /// </summary>
    public List<BundleRequest> Requests(int responseIndex, int firstOtherIndex)
    {
        var transaction = Transaction ?? throw new InvalidOperationException("Nothing to write: the submission is already stored.");
        var response = BundleRequest.From(transaction.Entry[0], responseIndex);
        response.Guard = Guard;
        List<BundleRequest> requests = [response];
        for (var k = 1; k < transaction.Entry.Count; k++)
        {
            var request = BundleRequest.From(transaction.Entry[k], firstOtherIndex + k - 1);
            if (k <= Extracted)
            {
                request.ConformsByConstruction = ExtractionProven;
                request.ConditionalScope = $"QuestionnaireResponse/{response.Id}";
            }

            requests.Add(request);
        }

        return requests;
    }
}
