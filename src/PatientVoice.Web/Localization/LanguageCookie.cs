namespace PatientVoice.Web.Localization;

/// <summary>Remembers the user's language choice for a year (the <c>lang</c> cookie read by <see cref="UiLanguageResolver"/>).</summary>
public static class LanguageCookie
{
    public static void Write(HttpContext context, UiLanguage language)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new CookieOptions { HttpOnly = true, Path = "/", MaxAge = TimeSpan.FromDays(365), IsEssential = true };
        Launch.SessionCookieSecurity.Apply(context, options);
        context.Response.Cookies.Append(UiLanguageResolver.CookieName, language.Code(), options);
        context.SetUiLanguage(language);
    }
}
