using System.Globalization;
using Microsoft.AspNetCore.Html;
using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Clinicians.Presentation;

/// <summary>Instants on the clinician pages, shown in the clinician's own time zone by local-time.js (UTC without script).</summary>
public static class ClinicianTime
{
    /// <summary>"5 Dec 2026" in the reader's zone.</summary>
    public static IHtmlContent Date(DateTimeOffset when)
        => LocalTime.Element(when, LocalTime.Style.ShortDate, utc => utc.ToString("d MMM yyyy", CultureInfo.InvariantCulture));

    /// <summary>"5 Dec 2026, 05:46 CST" in the reader's zone.</summary>
    public static IHtmlContent DateTime(DateTimeOffset when)
        => LocalTime.Element(when, LocalTime.Style.ShortDateTime, utc => utc.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture));
}
