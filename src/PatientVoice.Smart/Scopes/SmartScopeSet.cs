namespace PatientVoice.Smart.Scopes;

/// <summary>The scopes of one access token, parsed: what they grant, and the launch and identity scopes beside them.</summary>
public sealed class SmartScopeSet(IReadOnlyList<SmartResourceScope> resourceScopes, IReadOnlySet<string> otherScopes, IReadOnlyList<string> unrecognized)
{
    public const string Launch = "launch";
    public const string LaunchPatient = "launch/patient";
    public const string LaunchEncounter = "launch/encounter";
    public const string OpenId = "openid";
    public const string FhirUser = "fhirUser";
    public const string Profile = "profile";
    public const string OfflineAccess = "offline_access";
    public const string OnlineAccess = "online_access";

    /// <summary>The scopes that are not resource scopes and that SMART defines (they grant no data by themselves).</summary>
    public static readonly IReadOnlySet<string> NonResourceScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        Launch, LaunchPatient, LaunchEncounter, OpenId, FhirUser, Profile, OfflineAccess, OnlineAccess,
    };

    public static SmartScopeSet Empty { get; } = new([], new HashSet<string>(), []);

    /// <summary>Every resource scope, including query-restricted ones (which grant nothing, see <see cref="SmartResourceScope.IsQueryRestricted"/>).</summary>
    public IReadOnlyList<SmartResourceScope> ResourceScopes { get; } = resourceScopes;

    /// <summary>Scopes this parser does not know (another server's, or malformed); they grant nothing.</summary>
    public IReadOnlyList<string> Unrecognized { get; } = unrecognized;

    /// <summary>Query-restricted scopes: recognised, and refused (they grant nothing here).</summary>
    public IEnumerable<SmartResourceScope> Refused => ResourceScopes.Where(s => s.IsQueryRestricted);

    public bool Has(string nonResourceScope) => otherScopes.Contains(nonResourceScope);

    public bool HasLaunch => Has(Launch);

    public bool HasOpenId => Has(OpenId);

    public bool HasFhirUser => Has(FhirUser);

    public bool HasOfflineAccess => Has(OfflineAccess);

    public bool HasOnlineAccess => Has(OnlineAccess);

    /// <summary>Whether some scope grants <paramref name="interaction"/> (one letter, or several that must all be granted by one scope) on <paramref name="resourceType"/> in <paramref name="context"/>.</summary>
    public bool Permits(SmartScopeContext context, string resourceType, SmartInteractions interaction)
        => ResourceScopes.Any(s => s.Grants(context, resourceType, interaction));

    /// <summary>
    /// Whether the scopes together grant every letter of <paramref name="interactions"/> on the type in the
    /// context (e.g. a conditional update needs <c>u</c> and <c>s</c>, which two scopes may grant between them).
    /// </summary>
    public bool PermitsAll(SmartScopeContext context, string resourceType, SmartInteractions interactions)
    {
        var granted = SmartInteractions.None;
        foreach (var scope in ResourceScopes)
        {
            var letters = scope.Interactions & interactions;
            if (letters != SmartInteractions.None && scope.Grants(context, resourceType, letters))
            {
                granted |= letters;
            }
        }

        return interactions != SmartInteractions.None && granted == interactions;
    }

    /// <summary>The contexts in which <paramref name="interactions"/> on <paramref name="resourceType"/> are granted, broadest first.</summary>
    public IReadOnlyList<SmartScopeContext> ContextsPermitting(string resourceType, SmartInteractions interactions)
        => new[] { SmartScopeContext.System, SmartScopeContext.User, SmartScopeContext.Patient }
            .Where(c => PermitsAll(c, resourceType, interactions)).ToList();

    /// <summary>The contexts any granting resource scope names (what the token could reach at all).</summary>
    public IReadOnlySet<SmartScopeContext> Contexts
        => ResourceScopes.Where(s => !s.IsQueryRestricted).Select(s => s.Context).ToHashSet();

    public override string ToString()
        => string.Join(' ', otherScopes.Order(StringComparer.Ordinal).Concat(ResourceScopes.Select(s => s.Text)).Concat(Unrecognized));
}
