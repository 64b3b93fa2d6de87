using Hl7.Fhir.Model;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// What a reference string says about its target, read from the string alone (never resolved):
/// <c>Patient/1</c>, <c>Patient/1/_history/2</c>, <c>https://ehr/fhir/Patient/1</c>, a canonical
/// <c>http://x/Questionnaire/q|1.0</c>, or a URN.
/// </summary>
public sealed record ReferenceParts(string? TargetType, string? TargetId, string? Version, string? Url)
{
    public static ReferenceParts? Parse(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.StartsWith('#'))
        {
            return null;
        }

        var value = reference.Trim();
        string? canonicalVersion = null;
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar >= 0)
        {
            canonicalVersion = value[(bar + 1)..];
            value = value[..bar];
        }

        var absolute = value.Contains("://", StringComparison.Ordinal) || value.StartsWith("urn:", StringComparison.Ordinal);
        var segments = value.Split('/');
        string? type = null, id = null, version = canonicalVersion;
        var url = absolute ? value : null;

        // .../Type/id or .../Type/id/_history/v
        var n = segments.Length;
        if (n >= 4 && segments[n - 2] == "_history" && IsResourceType(segments[n - 4]))
        {
            type = segments[n - 4];
            id = segments[n - 3];
            version ??= segments[n - 1];
            if (absolute)
            {
                url = string.Join('/', segments[..(n - 2)]);
            }
        }
        else if (n >= 2 && IsResourceType(segments[n - 2]) && segments[n - 1].Length > 0)
        {
            type = segments[n - 2];
            id = segments[n - 1];
        }

        if (!absolute && type is null)
        {
            return null;
        }

        return new ReferenceParts(type, id, string.IsNullOrEmpty(version) ? null : version, url);
    }

    private static bool IsResourceType(string name) => name.Length > 0 && char.IsUpper(name[0]) && ModelInfo.IsKnownResource(name);
}
