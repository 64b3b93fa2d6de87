namespace PatientVoice.Fhir.Conformance;

/// <summary>A questionnaire canonical as a response names it: <c>url|version</c>, the version optional.</summary>
public readonly record struct QuestionnaireCanonical(string Url, string? Version)
{
    public static QuestionnaireCanonical Parse(string canonical)
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        return bar < 0
            ? new QuestionnaireCanonical(canonical, null)
            : new QuestionnaireCanonical(canonical[..bar], canonical[(bar + 1)..] is { Length: > 0 } v ? v : null);
    }

    public override string ToString() => Version is null ? Url : $"{Url}|{Version}";
}
