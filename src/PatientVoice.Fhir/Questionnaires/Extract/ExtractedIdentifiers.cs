using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// The stable identifier every extracted resource carries: <c>{responseId}/{linkId}/{repetition}</c> (nested items add
/// their group's linkId and repetition first). Amending re-extracts onto the same identifiers, so a conditional update
/// updates rather than duplicates, and a retry changes nothing. The urn:uuid that links bundle entries derives from it too.
/// </summary>
public static class ExtractedIdentifiers
{
    public const string System = "http://patientvoice.example.org/fhir/sid/extracted";

    public static Identifier Create(string value) => new(System, value) { Use = Identifier.IdentifierUse.Secondary };

    /// <summary>The identifier value of a resource we extracted, or null.</summary>
    public static string? ValueOf(Resource resource) => IdentifiersOf(resource).FirstOrDefault(i => i.System == System)?.Value;

    /// <summary>True when the value was extracted from this response.</summary>
    public static bool BelongsTo(string? value, string responseId) =>
        value is not null && value.StartsWith(responseId + "/", StringComparison.Ordinal);

    /// <summary>A name-based (SHA-1, RFC 4122 version 5 layout) urn:uuid: the same identifier always gives the same fullUrl.</summary>
    public static string FullUrlFor(string value)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(System + "|" + value));
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The identifiers of a resource, whatever its type.</summary>
    public static IEnumerable<Identifier> IdentifiersOf(Resource resource) => resource switch
    {
        Goal g => g.Identifier,
        Observation o => o.Identifier,
        List l => l.Identifier,
        DocumentReference d => d.Identifier,
        _ => resource.TryGetValue("identifier", out var value) ? value switch
        {
            IEnumerable<Identifier> many => many,
            Identifier one => [one],
            _ => [],
        } : [],
    };

    internal static bool TryAssign(Resource resource, Identifier identifier)
    {
        switch (resource)
        {
            case Goal g: g.Identifier.Add(identifier); return true;
            case Observation o: o.Identifier.Add(identifier); return true;
            case List l: l.Identifier.Add(identifier); return true;
            case DocumentReference d: d.Identifier.Add(identifier); return true;
        }

        var mapping = Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(resource.GetType())?.FindMappedElementByName("identifier");
        if (mapping is null)
        {
            return false;
        }

        if (mapping.IsCollection)
        {
            if (resource.TryGetValue("identifier", out var existing) && existing is List<Identifier> list)
            {
                list.Add(identifier);
            }
            else
            {
                resource.SetValue("identifier", new List<Identifier> { identifier });
            }
        }
        else
        {
            resource.SetValue("identifier", identifier);
        }

        return true;
    }
}
