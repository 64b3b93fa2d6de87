using System.Globalization;
using Microsoft.AspNetCore.Html;
using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Patients;

/// <summary>
/// The patient pages' words, in English and Spanish: <c>IStringLocalizer&lt;PatientText&gt;</c> over
/// Resources/Patients/PatientText.resx (English) and PatientText.es.resx (Spanish).
/// </summary>
public sealed class PatientText
{
    /// <summary>The languages the pages and our questionnaires are written in; the first is the default.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "es"];

    /// <summary>The LHC-Forms version served from wwwroot/lib/lforms/{version} (PatientVoice.Web.csproj installs it).</summary>
    public const string LFormsVersion = "40.1.3";

    /// <summary>The page language of this request: <c>en</c> or <c>es</c>.</summary>
    public static string Language => Supported(CultureInfo.CurrentUICulture.Name) ?? Languages[0];

    /// <summary><c>en</c> or <c>es</c> for a BCP 47 tag such as <c>es-MX</c>, or null when we do not speak it.</summary>
    public static string? Supported(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var primary = tag.Split('-', '_')[0].ToLowerInvariant();
        return Languages.Contains(primary) ? primary : null;
    }

    private static readonly string[] SpanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];
    private static readonly string[] SpanishDays = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"];

    /// <summary>A date as people read it in the page language (the app runs with invariant globalization, so month names are ours).</summary>
    public static string Date(DateTimeOffset when, bool withTime = false)
    {
        var time = withTime ? when.ToString(" HH:mm", CultureInfo.InvariantCulture) : "";
        return Language == "es"
            ? $"{SpanishDays[(int)when.DayOfWeek]} {when.Day} de {SpanishMonths[when.Month - 1]} de {when.Year}{time}"
            : when.ToString("dddd, MMMM d, yyyy", CultureInfo.InvariantCulture) + time;
    }

    /// <summary>
    /// An instant as the reader's local date (and time): a <c>&lt;time&gt;</c> that local-time.js rewrites in the
    /// browser's time zone; without script it reads in UTC (<see cref="LocalTime"/>).
    /// </summary>
    public static IHtmlContent Time(DateTimeOffset when, bool withTime = false)
        => LocalTime.Element(when, withTime ? LocalTime.Style.LongDateTime : LocalTime.Style.LongDate, utc => Date(utc, withTime));
}
