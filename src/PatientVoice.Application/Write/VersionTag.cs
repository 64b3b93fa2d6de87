using System.Globalization;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Write;

/// <summary>Versions as FHIR writes them in ETags (<c>W/"3"</c>): the If-Match header and <c>Bundle.entry.request.ifMatch</c>.</summary>
public static class VersionTag
{
    public static string Format(int version) => $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version in <paramref name="value"/> (<c>W/"3"</c> or <c>"3"</c>), null when empty; 400 naming <paramref name="source"/> otherwise.</summary>
    public static int? Parse(string? value, string source)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new BadRequestException($"{source} '{value}' is not a version ETag such as W/\"3\".");
    }
}
