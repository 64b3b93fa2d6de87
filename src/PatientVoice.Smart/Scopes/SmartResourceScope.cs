namespace PatientVoice.Smart.Scopes;

/// <summary>
/// One resource scope: <c>patient/Goal.rs</c>, <c>user/*.cruds</c>, v1 <c>system/Observation.read</c>, or a
/// query-restricted v2 scope such as <c>patient/Observation.rs?category=vital-signs</c>.
/// </summary>
/// <param name="ResourceType">A FHIR type name, or <c>*</c> for every type.</param>
/// <param name="Query">The restriction after <c>?</c> (without it), or null. See <see cref="IsQueryRestricted"/>.</param>
/// <param name="Text">The scope as the token carries it.</param>
public sealed record SmartResourceScope(SmartScopeContext Context, string ResourceType, SmartInteractions Interactions, string? Query, string Text)
{
    /// <summary>
    /// A scope limited by search parameters grants only what matches them. This server does not evaluate
    /// such restrictions, so it honours none: a query-restricted scope grants nothing here (refusing is the
    /// safe reading of a permission we cannot bound). See docs/adr (access model).
    /// </summary>
    public bool IsQueryRestricted => Query is not null;

    /// <summary>Whether this scope grants <paramref name="interaction"/> on <paramref name="resourceType"/> in <paramref name="context"/>.</summary>
    public bool Grants(SmartScopeContext context, string resourceType, SmartInteractions interaction)
        => !IsQueryRestricted
            && Context == context
            && (ResourceType == "*" || string.Equals(ResourceType, resourceType, StringComparison.Ordinal))
            && interaction != SmartInteractions.None
            && (Interactions & interaction) == interaction;
}
