namespace PatientVoice.Application.Uptake;

/// <summary>What is counted per week (docs/adr/0031).</summary>
public enum UptakeMeasure
{
    /// <summary>Invitations created (one-time links), in the week of their creation.</summary>
    Invited,

    /// <summary>Links opened (the first time), in the week they were opened.</summary>
    Opened,

    /// <summary>Responses submitted (completed), through any door, in the week of their first submission.</summary>
    Submitted,
}

/// <summary>How a measure is broken down.</summary>
public enum UptakeBreakdown
{
    Language,
    Respondent,
    Channel,
    Race,
    Ethnicity,
}

/// <summary>The categories of each breakdown, as codes (the pages and the MeasureReport name them).</summary>
public static class UptakeCategories
{
    public const string English = "en";
    public const string Spanish = "es";
    public const string OtherLanguage = "other";

    public const string Self = "self";
    public const string FamilyMember = "family";
    public const string Staff = "staff";

    public const string Link = "link";
    public const string Portal = "portal";

    /// <summary>More than one OMB race category.</summary>
    public const string MultipleRaces = "multiple";

    /// <summary>Not recorded, unknown, declined, or the EHR could not be read.</summary>
    public const string NotRecorded = "not-recorded";

    // US Core race: the five OMB minimum categories (CDC Race & Ethnicity code system, urn:oid:2.16.840.1.113883.6.238).
    public const string AmericanIndian = "1002-5";
    public const string Asian = "2028-9";
    public const string Black = "2054-5";
    public const string PacificIslander = "2076-8";
    public const string White = "2106-3";

    // US Core ethnicity: the two OMB categories.
    public const string HispanicOrLatino = "2135-2";
    public const string NotHispanicOrLatino = "2186-5";

    public const string CdcRaceEthnicitySystem = "urn:oid:2.16.840.1.113883.6.238";

    /// <summary>The breakdowns of a measure: who answered and through which door are known only once answers are sent.</summary>
    public static IReadOnlyList<UptakeBreakdown> Of(UptakeMeasure measure) => measure == UptakeMeasure.Submitted
        ? [UptakeBreakdown.Language, UptakeBreakdown.Respondent, UptakeBreakdown.Channel, UptakeBreakdown.Race, UptakeBreakdown.Ethnicity]
        : [UptakeBreakdown.Language, UptakeBreakdown.Race, UptakeBreakdown.Ethnicity];

    /// <summary>Every category of a breakdown, in the order they are shown.</summary>
    public static IReadOnlyList<string> Of(UptakeBreakdown breakdown) => breakdown switch
    {
        UptakeBreakdown.Language => [English, Spanish, OtherLanguage],
        UptakeBreakdown.Respondent => [Self, FamilyMember, Staff],
        UptakeBreakdown.Channel => [Link, Portal, Staff],
        UptakeBreakdown.Race => [AmericanIndian, Asian, Black, PacificIslander, White, MultipleRaces, NotRecorded],
        UptakeBreakdown.Ethnicity => [HispanicOrLatino, NotHispanicOrLatino, NotRecorded],
        _ => throw new ArgumentOutOfRangeException(nameof(breakdown)),
    };

    /// <summary>A language tag as a category: <c>es</c>, <c>es-MX</c> → es; <c>en…</c> → en; anything else → other.</summary>
    public static string LanguageOf(string? tag)
    {
        var primary = tag?.Split('-', '_')[0].Trim().ToLowerInvariant();
        return primary switch
        {
            "en" => English,
            "es" => Spanish,
            _ => OtherLanguage,
        };
    }
}
