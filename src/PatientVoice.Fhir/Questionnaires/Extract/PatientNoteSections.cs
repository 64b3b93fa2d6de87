namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Which heading of the patient note an answer goes under, by the linkId of its top-level item in our questionnaires.
/// Anything else (an integrator's form, or a question added later) goes under "What I'd like you to know".
/// </summary>
internal static class PatientNoteSections
{
    public const string Hopes = "What I'm hoping for";
    public const string Worries = "What worries me";
    public const string Condition = "What I know about my condition";
    public const string Preferences = "My preferences";
    public const string Goals = "My goals";
    public const string Other = "What I'd like you to know";

    /// <summary>Headings in the order the note shows them.</summary>
    public static readonly string[] Order = [Hopes, Worries, Condition, Preferences, Goals, Other];

    private static readonly Dictionary<string, string> ByLinkId = new(StringComparer.Ordinal)
    {
        ["visit-agenda"] = Hopes,
        ["visit-hopes"] = Hopes,
        ["visit-worries"] = Worries,
        ["condition"] = Condition,
        ["language"] = Preferences,
        ["contact"] = Preferences,
        ["involve"] = Preferences,
        ["information"] = Preferences,
        ["good-visit"] = Preferences,
        ["culture-religion"] = Preferences,
        ["accessibility"] = Preferences,
        ["treatment"] = Preferences,
        ["decision-style"] = Preferences,
        ["involve-family"] = Preferences,
        ["involve-family-who"] = Preferences,
        ["goal"] = Goals,
    };

    /// <summary>Items that say how the form was filled in, not what the patient said.</summary>
    private static readonly HashSet<string> NotPartOfTheNote = new(StringComparer.Ordinal) { ExtractionContext.RespondentLinkId };

    public static string? For(string linkId) =>
        NotPartOfTheNote.Contains(linkId) ? null : ByLinkId.GetValueOrDefault(linkId, Other);
}
