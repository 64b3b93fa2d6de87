using System.Diagnostics.CodeAnalysis;

namespace PatientVoice.Web.Presentation;

/// <summary>
/// The time zone of the person reading, for what the server itself writes out with times in it (the My copy PDF):
/// pages leave instants to the browser (<see cref="LocalTime"/>), a file cannot. The browser names its IANA zone
/// (local-time.js adds <c>tz</c> to links marked <c>data-time-zone</c>); a zone this machine does not know, or none
/// (no script), is UTC, and the text says so.
/// </summary>
public sealed class ReaderTimeZone
{
    /// <summary>IANA zone ids are short (the longest in tzdata is 32 characters); anything longer is not one.</summary>
    private const int LongestId = 64;

    public static readonly ReaderTimeZone Utc = new(TimeZoneInfo.Utc, "UTC");

    private ReaderTimeZone(TimeZoneInfo zone, string name)
    {
        Zone = zone;
        Name = name;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone as the reader's browser named it (e.g. <c>America/Chicago</c>), or <c>UTC</c>.</summary>
    public string Name { get; }

    /// <summary>The zone the browser named, or <see cref="Utc"/> when it named none or one this machine does not know.</summary>
    public static ReaderTimeZone From(string? ianaId)
        => TryFind(ianaId, out var zone) ? new ReaderTimeZone(zone, ianaId) : Utc;

    /// <summary><paramref name="when"/> as a clock in this zone shows it.</summary>
    public DateTimeOffset Local(DateTimeOffset when) => TimeZoneInfo.ConvertTime(when, Zone);

    private static bool TryFind([NotNullWhen(true)] string? ianaId, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        // Only IANA names ("Area/Location", letters, digits, '_', '-', '+', '/'): never a path or a Windows id.
        if (string.IsNullOrEmpty(ianaId) || ianaId.Length > LongestId || ianaId.Contains("..", StringComparison.Ordinal)
            || ianaId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')))
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out zone) && zone.HasIanaId;
    }
}
