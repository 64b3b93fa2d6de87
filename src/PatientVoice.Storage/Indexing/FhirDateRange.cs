using System.Globalization;
using System.Text.RegularExpressions;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// The inclusive UTC range (Unix ms) a FHIR date, dateTime or instant covers at its precision:
/// <c>2024</c> is all of 2024, <c>2024-05-01T10:00</c> that minute. A value without a zone is taken as UTC.
/// </summary>
public readonly partial record struct FhirDateRange(long StartMs, long EndMs)
{
    public static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    public static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static FhirDateRange Exact(DateTimeOffset instant)
    {
        var ms = instant.ToUnixTimeMilliseconds();
        return new FhirDateRange(ms, ms);
    }

    /// <exception cref="FormatException">The value is not a FHIR date, dateTime or instant.</exception>
    public static FhirDateRange Parse(string value)
    {
        var m = Pattern().Match(value.Trim());
        if (!m.Success)
        {
            throw new FormatException($"'{value}' is not a FHIR date (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]).");
        }

        try
        {
            int Group(int i, int fallback) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : fallback;
            var offset = TimeSpan.Zero;
            if (m.Groups[8].Success && m.Groups[8].Value != "Z")
            {
                var z = m.Groups[8].Value;
                offset = TimeSpan.ParseExact(z[1..], @"hh\:mm", CultureInfo.InvariantCulture);
                if (z[0] == '-')
                {
                    offset = -offset;
                }
            }

            var millis = 0;
            if (m.Groups[7].Success)
            {
                var fraction = (m.Groups[7].Value + "00")[..3];
                millis = int.Parse(fraction, CultureInfo.InvariantCulture);
            }

            var start = new DateTimeOffset(Group(1, 1), Group(2, 1), Group(3, 1), Group(4, 0), Group(5, 0), Group(6, 0), millis, offset);
            DateTimeOffset next;
            if (m.Groups[7].Success) { next = start.AddMilliseconds(1); }
            else if (m.Groups[6].Success) { next = start.AddSeconds(1); }
            else if (m.Groups[5].Success) { next = start.AddMinutes(1); }
            else if (m.Groups[3].Success) { next = start.AddDays(1); }
            else if (m.Groups[2].Success) { next = start.AddMonths(1); }
            else { next = start.AddYears(1); }

            return new FhirDateRange(start.ToUnixTimeMilliseconds(), next.ToUnixTimeMilliseconds() - 1);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new FormatException($"'{value}' is not a valid date.");
        }
        catch (OverflowException)
        {
            throw new FormatException($"'{value}' is not a valid date.");
        }
    }

    [GeneratedRegex(@"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex Pattern();
}
