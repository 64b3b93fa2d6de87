using Microsoft.Net.Http.Headers;

namespace PatientVoice.Web.Localization;

/// <summary>
/// Which language a request's page is in: the <c>lang</c> cookie (the user's explicit choice) first, then the
/// browser's <c>Accept-Language</c> in quality order, then English. Resolved once per request.
/// </summary>
public static class UiLanguageResolver
{
    /// <summary>The cookie that remembers the user's choice (<c>en</c> or <c>es</c>); see <see cref="LanguageCookie"/>.</summary>
    public const string CookieName = "lang";

    private static readonly object ItemKey = new();

    /// <summary>The language of this request's pages.</summary>
    public static UiLanguage GetUiLanguage(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is UiLanguage language)
        {
            return language;
        }

        language = Resolve(context.Request);
        context.Items[ItemKey] = language;
        return language;
    }

    /// <summary>Overrides the language for the rest of this request (after the user switched).</summary>
    public static void SetUiLanguage(this HttpContext context, UiLanguage language) => context.Items[ItemKey] = language;

    public static UiLanguage Resolve(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var chosen) && UiLanguages.TryParse(chosen, out var fromCookie))
        {
            return fromCookie;
        }

        if (StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var accepted))
        {
            foreach (var value in accepted.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
            {
                if (UiLanguages.TryParse(value.Value.Value, out var fromBrowser))
                {
                    return fromBrowser;
                }
            }
        }

        return UiLanguage.English;
    }
}
