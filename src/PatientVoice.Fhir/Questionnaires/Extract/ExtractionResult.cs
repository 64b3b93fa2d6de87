using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>One extracted resource, its stable identifier value and the urn:uuid other entries use to refer to it.</summary>
public sealed record ExtractedResource(Resource Resource, string IdentifierValue, string FullUrl)
{
    /// <summary>The conditional-update URL that finds this resource again: <c>Goal?identifier=system|value</c>.</summary>
    public string ConditionalUrl => $"{Resource.TypeName}?identifier={Uri.EscapeDataString(ExtractedIdentifiers.System)}|{Uri.EscapeDataString(IdentifierValue)}";

    /// <summary>
    /// Where the transaction writes it: <c>Goal/{id}</c> when an answer gave the resource its id (an item whose definition is
    /// <c>Goal.id</c>, as a carried-forward goal has: SDC's update of an existing resource), else <see cref="ConditionalUrl"/>.
    /// </summary>
    public string RequestUrl => string.IsNullOrEmpty(Resource.Id) ? ConditionalUrl : $"{Resource.TypeName}/{Resource.Id}";
}

/// <summary>
/// What a response produced: the extracted resources (the patient note among them), the Provenance of the submission
/// (none when nothing was extracted: there is nothing derived to account for, and the response names its own author and
/// source), the response's narrative, and what could not be extracted (never thrown: a form may be partly extractable).
/// </summary>
public sealed record ExtractionResult(
    string ResponseId,
    IReadOnlyList<ExtractedResource> Resources,
    Provenance? Provenance,
    DocumentReference? PatientNote,
    Narrative ResponseText,
    IReadOnlyList<FhirIssue> Issues)
{
    /// <summary>The urn:uuid the transaction gives the Provenance.</summary>
    public string ProvenanceFullUrl { get; init; } = ExtractedIdentifiers.FullUrlFor($"{ResponseId}/$provenance");

    /// <summary>The response version extracted, when the context knew it.</summary>
    public string? ResponseVersionId { get; init; }

    public IEnumerable<T> OfType<T>() where T : Resource => Resources.Select(r => r.Resource).OfType<T>();

    /// <summary>The issues as an OperationOutcome (empty issue list: an informational "all extracted").</summary>
    public OperationOutcome ToOperationOutcome()
        => FhirIssue.ToOperationOutcome(Issues, $"Extracted {Resources.Count} resources.");

    /// <summary>
    /// What an extraction of the previous version of the response produced and this one does not: the caller need not
    /// search for them, it re-extracts the stored previous version, then reads each by <see cref="ExtractedResource.ConditionalUrl"/>
    /// (a search on the identifier) and ends it.
    /// </summary>
    public IReadOnlyList<ExtractedResource> NoLongerExtracted(ExtractionResult previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var current = Resources.Select(r => r.IdentifierValue).ToHashSet(StringComparer.Ordinal);
        var updated = Resources.Where(r => !string.IsNullOrEmpty(r.Resource.Id)).Select(r => $"{r.Resource.TypeName}/{r.Resource.Id}").ToHashSet(StringComparer.Ordinal);
        return previous.Resources
            .Where(r => !current.Contains(r.IdentifierValue) && (string.IsNullOrEmpty(r.Resource.Id) || !updated.Contains($"{r.Resource.TypeName}/{r.Resource.Id}")))
            .ToList();
    }

    /// <summary>
    /// The previously extracted resources (from an earlier submission of the same response) that this extraction no longer
    /// produces: the caller ends them (<see cref="Goals.GoalLifecycle.EndRemoved"/>) rather than deleting them.
    /// </summary>
    public IReadOnlyList<Resource> NoLongerExtracted(IEnumerable<Resource> previouslyExtracted)
    {
        var current = Resources.Select(r => r.IdentifierValue).ToHashSet(StringComparer.Ordinal);
        var updated = Resources.Where(r => !string.IsNullOrEmpty(r.Resource.Id)).Select(r => $"{r.Resource.TypeName}/{r.Resource.Id}").ToHashSet(StringComparer.Ordinal);
        // A resource carried from an earlier response keeps that response's identifier beside this one's: any of ours counts.
        return previouslyExtracted
            .Where(r =>
            {
                var values = ExtractedIdentifiers.IdentifiersOf(r).Where(i => i.System == ExtractedIdentifiers.System).Select(i => i.Value).OfType<string>().ToList();
                return values.Any(v => ExtractedIdentifiers.BelongsTo(v, ResponseId))
                    && !values.Any(current.Contains)
                    && !updated.Contains($"{r.TypeName}/{r.Id}");
            })
            .ToList();
    }
}
