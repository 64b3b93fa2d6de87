using System.Globalization;

namespace PatientVoice.Web.Patients;

/// <summary>
/// The patient pages' language: the one the person chose (the <c>lang</c> cookie, shared with the launch pages),
/// else the patient's preferred language in the EHR (<c>Patient.communication</c>), else the browser's. Runs as
/// middleware so the culture it sets flows into the page and its layout.
/// </summary>
public sealed class PatientLanguageMiddleware(RequestDelegate next)
{
    /// <summary>The cookie that remembers an explicit choice (<c>en</c> or <c>es</c>), the same one the launch pages read.</summary>
    public const string CookieName = "lang";

    public async Task InvokeAsync(HttpContext context, PatientContextAccessor contexts)
    {
        if (PatientText.Supported(context.Request.Cookies[CookieName]) is null
            && await contexts.GetAsync(context, context.RequestAborted) is not null
            && context.Items[PatientContextAccessor.PreferredLanguageKey] is string preferred
            && PatientText.Supported(preferred) is { } language)
        {
            Use(language);
        }

        await next(context);
    }

    /// <summary>Switches this request to <paramref name="language"/>.</summary>
    public static void Use(string language)
    {
        var culture = new CultureInfo(language);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    /// <summary>Remembers an explicit choice for a year (also when PatientVoice is framed by the portal over HTTPS).</summary>
    public static void Remember(HttpContext context, string language)
    {
        var secure = context.Request.IsHttps;
        context.Response.Cookies.Append(CookieName, language, new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            IsEssential = true,
            Path = "/",
            Secure = secure,
            SameSite = secure ? SameSiteMode.None : SameSiteMode.Lax,
        });
    }
}
