namespace PatientVoice.Application.Validation;

/// <summary>Questionnaire versions as numbers where they are numbers (0.10.0 after 0.9.0), else as text; none first.</summary>
public sealed class QuestionnaireVersionOrder : IComparer<string?>
{
    public static QuestionnaireVersionOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        return Version.TryParse(x, out var a) && Version.TryParse(y, out var b) ? a.CompareTo(b) : string.CompareOrdinal(x, y);
    }
}
