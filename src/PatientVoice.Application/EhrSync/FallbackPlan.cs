namespace PatientVoice.Application.EhrSync;

/// <summary>
/// Where each type goes in the EHR, tried in order (<c>EhrSync:Fallbacks:{Type}</c>): the type's own name writes it as
/// itself; <see cref="PatientNote"/> (<c>DocumentReference</c>) means it travels inside the patient note, the readable
/// summary of the whole submission that every EHR gets. The note itself has no fallback: if the EHR refuses even the
/// note, the submission's write-back fails with the EHR's reason.
/// </summary>
public sealed class FallbackPlan
{
    public const string PatientNote = "DocumentReference";

    /// <summary>The defaults; a type configured under <c>EhrSync:Fallbacks</c> replaces its entry.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Defaults = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["QuestionnaireResponse"] = ["QuestionnaireResponse", PatientNote],
        ["Goal"] = ["Goal", PatientNote],
        ["Observation"] = ["Observation", PatientNote],
        ["Provenance"] = ["Provenance", PatientNote],
        // The visit agenda (a List): its items are in the note's "Before your visit" section.
        ["List"] = [PatientNote],
        ["DocumentReference"] = ["DocumentReference"],
    };

    private readonly Dictionary<string, IReadOnlyList<string>> _routes;

    public FallbackPlan(IReadOnlyDictionary<string, List<string>> configured)
    {
        _routes = new Dictionary<string, IReadOnlyList<string>>(Defaults, StringComparer.Ordinal);
        foreach (var (type, routes) in configured)
        {
            var invalid = routes.Where(r => r != type && r != PatientNote).ToList();
            if (invalid.Count > 0)
            {
                throw new InvalidOperationException(
                    $"EhrSync:Fallbacks:{type} may name only '{type}' (write it as itself) and '{PatientNote}' (carried by the patient note), not '{string.Join("', '", invalid)}'.");
            }

            _routes[type] = routes.Distinct().ToList();
        }
    }

    /// <summary>The routes of a type, in order; a type nobody configured travels in the note.</summary>
    public IReadOnlyList<string> RoutesFor(string resourceType, bool isPatientNote)
        => isPatientNote ? [PatientNote] : _routes.GetValueOrDefault(resourceType) ?? [PatientNote];
}
