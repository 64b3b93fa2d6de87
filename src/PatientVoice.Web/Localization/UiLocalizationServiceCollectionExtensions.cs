using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace PatientVoice.Web.Localization;

public static class UiLocalizationServiceCollectionExtensions
{
    /// <summary>
    /// Page localization: text comes from typed catalogues (<see cref="ILocalizedText{TSelf}"/>) in the language
    /// <see cref="UiLanguageResolver"/> picks; Razor writes Spanish letters as they are (not as <c>&amp;#xED;</c>),
    /// still HTML-encoding what must be.
    /// </summary>
    public static IServiceCollection AddUiLocalization(this IServiceCollection services)
    {
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }
}
