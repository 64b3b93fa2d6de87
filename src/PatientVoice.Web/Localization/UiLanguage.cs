namespace PatientVoice.Web.Localization;

/// <summary>The languages PatientVoice's pages speak. Adding one is a value here and a property in every catalogue.</summary>
public enum UiLanguage
{
    English,
    Spanish,
}

public static class UiLanguages
{
    public static readonly IReadOnlyList<UiLanguage> All = [UiLanguage.English, UiLanguage.Spanish];

    /// <summary>The BCP 47 code used in <c>lang</c> attributes, the <c>lang</c> cookie and Accept-Language: <c>en</c>, <c>es</c>.</summary>
    public static string Code(this UiLanguage language) => language == UiLanguage.Spanish ? "es" : "en";

    /// <summary>
    /// <c>en</c>, <c>es</c>, or a regional form (<c>es-MX</c>, <c>en_US</c>) of either; anything else is unknown.
    /// </summary>
    public static bool TryParse(string? value, out UiLanguage language)
    {
        var primary = value?.Trim().Split('-', '_')[0].ToLowerInvariant();
        (var known, language) = primary switch
        {
            "en" => (true, UiLanguage.English),
            "es" => (true, UiLanguage.Spanish),
            _ => (false, UiLanguage.English),
        };
        return known;
    }
}
