namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// An element path from <c>item.definition</c> or <c>definitionExtractValue.definition</c>:
/// <c>{profile-or-type-url}#Goal.target.due[x]</c>, <c>#Observation.value[x]:valueQuantity.value</c>. Knows the resource
/// type it starts at and sets values into a POCO along it, creating the elements on the way.
/// </summary>
internal sealed record DefinitionPath(string Canonical, string ResourceType, IReadOnlyList<DefinitionPath.Step> Steps)
{
    internal sealed record Step(string Name, string? ChosenType);

    public static DefinitionPath? Parse(string? definition)
    {
        if (definition is null)
        {
            return null;
        }

        var hash = definition.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            return null;
        }

        var canonical = definition[..hash];
        var parts = definition[(hash + 1)..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var steps = parts.Skip(1).Select(ParseStep).ToList();
        return new DefinitionPath(canonical, parts[0], steps);
    }

    /// <summary>True when the canonical is a core resource definition (not one of ours or another IG's profile).</summary>
    public bool IsCoreDefinition => Canonical.StartsWith("http://hl7.org/fhir/StructureDefinition/", StringComparison.Ordinal);

    /// <summary>The steps left after <paramref name="prefix"/> (a path this one starts with), or null.</summary>
    public IReadOnlyList<Step>? RelativeTo(IReadOnlyList<Step> prefix)
    {
        if (prefix.Count > Steps.Count)
        {
            return null;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (prefix[i].Name != Steps[i].Name)
            {
                return null;
            }
        }

        return Steps.Skip(prefix.Count).ToList();
    }

    public override string ToString() => string.Join('.', Steps.Select(s => s.Name).Prepend(ResourceType));

    private static Step ParseStep(string part)
    {
        // "value[x]:valueQuantity" names the choice's type; any other ":slice" is a slice name, which says nothing here.
        string? slice = null;
        var colon = part.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            slice = part[(colon + 1)..];
            part = part[..colon];
        }

        var isChoice = part.EndsWith("[x]", StringComparison.Ordinal);
        var name = isChoice ? part[..^3] : part;
        string? chosen = null;
        if (isChoice && slice is not null && slice.StartsWith(name, StringComparison.Ordinal) && slice.Length > name.Length)
        {
            chosen = slice[name.Length..];
        }

        return new Step(name, chosen);
    }
}
