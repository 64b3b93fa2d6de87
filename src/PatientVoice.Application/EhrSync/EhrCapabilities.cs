using System.Text.Json;

namespace PatientVoice.Application.EhrSync;

/// <summary>What the EHR says it accepts for one type.</summary>
public sealed record EhrTypeCapability(bool Create, bool Update, bool ConditionalCreate, bool ConditionalUpdate)
{
    public bool Writable => Create || Update;

    /// <summary>When the CapabilityStatement could not be read: try the idempotent write, and let the answer decide.</summary>
    public static readonly EhrTypeCapability Assumed = new(true, true, true, true);
}

/// <summary>
/// The write side of the EHR's CapabilityStatement (<c>GET {base}/metadata</c>): per type, create, update, conditional
/// create and conditional update. A type it does not list is not writable, and goes straight to its fallback.
/// </summary>
public sealed class EhrCapabilities
{
    private readonly Dictionary<string, EhrTypeCapability> _types;

    private EhrCapabilities(Dictionary<string, EhrTypeCapability> types, bool known)
    {
        _types = types;
        Known = known;
    }

    /// <summary>False when the EHR gave no readable CapabilityStatement; every type is then <see cref="EhrTypeCapability.Assumed"/>.</summary>
    public bool Known { get; }

    public static EhrCapabilities Unknown { get; } = new([], known: false);

    public EhrTypeCapability For(string resourceType)
        => !Known ? EhrTypeCapability.Assumed : _types.GetValueOrDefault(resourceType) ?? new EhrTypeCapability(false, false, false, false);

    /// <summary>Reads a CapabilityStatement as JSON (only what writes need; a real EHR's extensions do not get in the way).</summary>
    public static EhrCapabilities Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("resourceType", out var type) || type.GetString() != "CapabilityStatement" || !root.TryGetProperty("rest", out var rests))
            {
                return Unknown;
            }

            var types = new Dictionary<string, EhrTypeCapability>(StringComparer.Ordinal);
            foreach (var rest in rests.EnumerateArray().Where(r => !r.TryGetProperty("mode", out var mode) || mode.GetString() == "server"))
            {
                if (!rest.TryGetProperty("resource", out var resources))
                {
                    continue;
                }

                foreach (var resource in resources.EnumerateArray())
                {
                    if (resource.TryGetProperty("type", out var name) && name.GetString() is { } resourceType)
                    {
                        var interactions = resource.TryGetProperty("interaction", out var list)
                            ? list.EnumerateArray().Select(i => i.TryGetProperty("code", out var code) ? code.GetString() : null).ToHashSet()
                            : [];
                        types[resourceType] = new EhrTypeCapability(
                            interactions.Contains("create"),
                            interactions.Contains("update"),
                            Flag(resource, "conditionalCreate"),
                            Flag(resource, "conditionalUpdate"));
                    }
                }
            }

            return new EhrCapabilities(types, known: true);
        }
        catch (JsonException)
        {
            return Unknown;
        }
    }

    private static bool Flag(JsonElement resource, string name)
        => resource.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
