namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>The forms we ship (profiles/Questionnaire-*.json), by the last segment of their canonical URL, and their linkIds.</summary>
internal static class Forms
{
    public const string BeforeYourVisit = "before-your-visit";
    public const string MyGoals = "my-goals";
    public const string MyCarePreferences = "my-care-preferences";
    public const string WhatIKnow = "what-i-know-about-my-condition";

    public const string Hopes = "visit-hopes";
    public const string Worries = "visit-worries";
    public const string ClinicianShouldKnow = "visit-clinician-should-know";
    public const string Changes = "visit-changes";
    public const string InvolveFamily = "involve-family";
    public const string InvolveFamilyWho = "involve-family-who";
    public const string DecisionStyle = "decision-style";

    public const string CarePreferenceKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-care-preference-kind";
    public const string SelfKnowledgeKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-self-knowledge-kind";
    public const string ListKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-list-kind";

    /// <summary>The form of a canonical's last segment; a translated form (<c>my-goals-es</c>) counts as its original.</summary>
    public static string Normalise(string form) =>
        form.Length > 3 && form[^3] == '-' && char.IsLetter(form[^2]) && char.IsLetter(form[^1]) && !KnownForms.Contains(form) ? form[..^3] : form;

    /// <summary>The forms the summary reads.</summary>
    public static readonly string[] Ours = [BeforeYourVisit, MyGoals, MyCarePreferences, WhatIKnow];

    private static readonly HashSet<string> KnownForms = new(Ours, StringComparer.Ordinal);
}
