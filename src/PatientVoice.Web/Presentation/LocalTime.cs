using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace PatientVoice.Web.Presentation;

/// <summary>
/// An instant as a <c>&lt;time&gt;</c> element that wwwroot/js/local-time.js rewrites in the reader's own time zone
/// (the browser's <c>Intl.DateTimeFormat</c>); the server cannot know that zone, so the text it sends is UTC and says so,
/// and stays as the no-script fallback.
/// </summary>
public static class LocalTime
{
    /// <summary>How the browser writes the instant: a date alone, or a date and a clock time with the zone's name.</summary>
    public enum Style
    {
        /// <summary>"Saturday, December 5, 2026" (patient pages).</summary>
        LongDate,

        /// <summary>"Saturday, December 5, 2026, 5:46 AM CST" (patient pages).</summary>
        LongDateTime,

        /// <summary>"5 Dec 2026" (clinician pages).</summary>
        ShortDate,

        /// <summary>"5 Dec 2026, 05:46 CST" (clinician pages).</summary>
        ShortDateTime,
    }

    /// <summary>The element for <paramref name="when"/>; <paramref name="fallback"/> formats the UTC instant for readers without script.</summary>
    public static IHtmlContent Element(DateTimeOffset when, Style style, Func<DateTimeOffset, string> fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var utc = when.ToUniversalTime();
        var text = fallback(utc) + (style is Style.LongDateTime or Style.ShortDateTime ? " UTC" : string.Empty);
        var encoder = HtmlEncoder.Default;
        return new HtmlString(
            $"<time datetime=\"{utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\" data-local=\"{Name(style)}\">{encoder.Encode(text)}</time>");
    }

    /// <summary>
    /// A localized sentence whose placeholders are filled with <paramref name="arguments"/>: text is HTML-encoded,
    /// <see cref="IHtmlContent"/> (a <c>&lt;time&gt;</c>) goes in as markup.
    /// </summary>
    public static IHtmlContent Sentence(LocalizedString template, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(arguments);
        var encoder = HtmlEncoder.Default;
        var filled = arguments.Select(argument => argument switch
        {
            IHtmlContent html => Render(html),
            null => string.Empty,
            _ => encoder.Encode(Convert.ToString(argument, CultureInfo.InvariantCulture) ?? string.Empty),
        }).ToArray<object>();
        return new HtmlString(string.Format(CultureInfo.InvariantCulture, encoder.Encode(template.Value), filled));
    }

    private static string Render(IHtmlContent html)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        html.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }

    private static string Name(Style style) => style switch
    {
        Style.LongDate => "long-date",
        Style.LongDateTime => "long-datetime",
        Style.ShortDate => "short-date",
        _ => "short-datetime",
    };
}
