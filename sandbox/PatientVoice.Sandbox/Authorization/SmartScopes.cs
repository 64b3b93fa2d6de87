using System.Text.RegularExpressions;
using PatientVoice.Sandbox.Ehr;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>The compartment a resource scope grants: the launch patient, the signed-in user, or the whole system.</summary>
public enum ScopeContext
{
    Patient,
    User,
    System,
}

/// <summary>One resource scope, v1 (<c>patient/Goal.read</c>) or v2 (<c>patient/Goal.rs</c>), as the letters it grants.</summary>
public sealed record ResourceScope(ScopeContext Context, string ResourceType, string Permissions)
{
    public bool Covers(string resourceType, char interaction)
        => (ResourceType == "*" || ResourceType == resourceType) && Permissions.Contains(interaction, StringComparison.Ordinal);
}

/// <summary>SMART App Launch 2.2 scopes: parsing, and the list the authorization server registers.</summary>
public static partial class SmartScopes
{
    public const string Launch = "launch";
    public const string LaunchPatient = "launch/patient";
    public const string LaunchEncounter = "launch/encounter";
    public const string OpenId = "openid";
    public const string FhirUser = "fhirUser";
    public const string OfflineAccess = "offline_access";
    public const string OnlineAccess = "online_access";

    public static readonly IReadOnlyList<string> NonResource = [OpenId, FhirUser, Launch, LaunchPatient, LaunchEncounter, OfflineAccess, OnlineAccess];

    private const string V2Letters = "cruds";

    /// <summary>
    /// Every scope a client may ask for: the non-resource ones, and for patient/, user/ and system/ over each
    /// type served here or by PatientVoice's API and <c>*</c>, the v1 forms (read, write, *) and every v2 letter combination in order.
    /// </summary>
    public static IReadOnlyList<string> All { get; } = BuildAll();

    /// <summary>The scopes named in the smart-configuration (a readable sample; <see cref="All"/> is accepted).</summary>
    public static readonly IReadOnlyList<string> Advertised =
    [
        .. NonResource,
        "patient/*.cruds", "patient/*.rs", "patient/*.read", "user/*.cruds", "user/*.rs", "user/*.read", "system/*.rs",
        "patient/Goal.cruds", "patient/QuestionnaireResponse.cruds", "patient/Observation.cruds", "patient/Patient.rs",
    ];

    /// <summary>The strict profile's scopes_supported: v1 read scopes by type, no wildcard.</summary>
    public static readonly IReadOnlyList<string> AdvertisedStrict =
    [
        .. NonResource,
        .. EhrResourceTypes.All.SelectMany(t => new[] { $"patient/{t}.read", $"user/{t}.read" }),
        .. EhrResourceTypes.Writable.Select(t => $"system/{t}.write"),
    ];

    /// <summary>Whether <paramref name="scope"/> is a resource scope over every type (<c>patient/*.rs</c>, <c>user/*.read</c>, …).</summary>
    public static bool IsWildcard(string scope) => Parse(scope) is { ResourceType: "*" };

    public static ResourceScope? Parse(string scope)
    {
        var match = ResourceScopePattern().Match(scope);
        if (!match.Success)
        {
            return null;
        }

        var context = match.Groups["context"].Value switch
        {
            "patient" => ScopeContext.Patient,
            "user" => ScopeContext.User,
            _ => ScopeContext.System,
        };
        var permissions = match.Groups["perm"].Value switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => V2Letters,
            var letters when IsOrderedSubset(letters) => letters,
            _ => null,
        };
        return permissions is null ? null : new ResourceScope(context, match.Groups["type"].Value, permissions);
    }

    public static IReadOnlyList<ResourceScope> ParseAll(IEnumerable<string> scopes) => scopes.Select(Parse).OfType<ResourceScope>().ToArray();

    private static bool IsOrderedSubset(string letters)
    {
        var position = -1;
        foreach (var letter in letters)
        {
            var next = V2Letters.IndexOf(letter, StringComparison.Ordinal);
            if (next <= position)
            {
                return false;
            }

            position = next;
        }

        return letters.Length > 0;
    }

    private static string[] BuildAll()
    {
        var combinations = new List<string> { "read", "write", "*" };
        for (var mask = 1; mask < 1 << V2Letters.Length; mask++)
        {
            combinations.Add(string.Concat(V2Letters.Where((_, i) => (mask & (1 << i)) != 0)));
        }

        var scopes = new List<string>(NonResource);
        foreach (var context in new[] { "patient", "user", "system" })
        {
            // This server issues tokens for its own FHIR API and for PatientVoice's (aud): either's types may be asked for.
            foreach (var type in EhrResourceTypes.All.Union(PatientVoice.Fhir.Conformance.SupportedResourceTypes.All, StringComparer.Ordinal).Append("*"))
            {
                scopes.AddRange(combinations.Select(c => $"{context}/{type}.{c}"));
            }
        }

        return [.. scopes];
    }

    [GeneratedRegex(@"^(?<context>patient|user|system)/(?<type>\*|[A-Z][A-Za-z]+)\.(?<perm>read|write|\*|[cruds]+)$")]
    private static partial Regex ResourceScopePattern();
}
