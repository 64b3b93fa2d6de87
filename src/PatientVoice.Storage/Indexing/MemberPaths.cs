using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// A search expression made only of member steps from the resource, each branch of a union optionally narrowed to one
/// type: <c>Goal.subject</c>, <c>AuditEvent.agent.who | AuditEvent.entity.what</c>, <c>(Goal.target.due as date)</c>,
/// <c>(Observation.value as CodeableConcept).text</c>. Nearly every indexed parameter is such a path; walking it over the
/// resource's own members (<see cref="Base.TryGetValue"/>) gives the elements FHIRPath would select, without building the
/// FHIRPath node tree. The index rows are the same, in any order (proven against FHIRPath by a differential test in
/// PatientVoice.Storage.Tests); any other expression (a function, a filter) stays with FHIRPath, and so does any case
/// the walk cannot decide exactly as FHIRPath does (see <see cref="TryWalk"/>).
/// </summary>
internal sealed partial class MemberPaths
{
    private readonly Branch[] _branches;

    private MemberPaths(Branch[] branches) => _branches = branches;

    /// <summary>The expression as member paths, or null when it is anything else.</summary>
    public static MemberPaths? TryParse(string resourceType, string expression)
    {
        var parts = expression.Split('|', StringSplitOptions.TrimEntries);
        var branches = new Branch[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (Plain().Match(parts[i]) is { Success: true } plain)
            {
                branches[i] = new Branch(Steps(plain.Groups["path"].Value), null, null, []);
            }
            else if (Narrowed().Match(parts[i]) is { Success: true } narrowed
                && ModelInfo.GetTypeForFhirType(narrowed.Groups["type"].Value) is { } clrType)
            {
                branches[i] = new Branch(Steps(narrowed.Groups["path"].Value), narrowed.Groups["type"].Value, clrType,
                    narrowed.Groups["after"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                return null;
            }

            if (!string.Equals(branches[i].Head, resourceType, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return new MemberPaths(branches);

        static string[] Steps(string path) => path.Split('.');
    }

    /// <summary>
    /// Adds the elements the paths select to <paramref name="into"/>. False when the walk cannot promise FHIRPath's
    /// answer, and the caller evaluates FHIRPath instead: a member holding something other than elements (what a lenient
    /// parser keeps of data that does not fit the model); <c>as</c> applied to more than one element, or to an element
    /// whose type specialises the one asked for (an Age for <c>as Quantity</c>). Both are rare in what we store, and
    /// FHIRPath's rules for them are left to FHIRPath rather than repeated here. After false, whatever was added to
    /// <paramref name="into"/> is not to be used.
    /// </summary>
    public bool TryWalk(Base resource, List<Base> into)
    {
        List<Base>? found = null;
        foreach (var branch in _branches)
        {
            if (branch.TypeName is null)
            {
                if (!Walk(resource, branch.Path, 1, into))
                {
                    return false;
                }

                continue;
            }

            // Narrowed with "as": collected apart first, since the rule depends on how many there are.
            (found ??= []).Clear();
            if (!Walk(resource, branch.Path, 1, found))
            {
                return false;
            }

            if (found.Count > 1)
            {
                return false;
            }

            foreach (var element in found)
            {
                if (string.Equals(element.TypeName, branch.TypeName, StringComparison.Ordinal))
                {
                    if (!Walk(element, branch.After, 0, into))
                    {
                        return false;
                    }
                }
                else if (branch.ClrType!.IsInstanceOfType(element))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Walk(Base element, string[] steps, int step, List<Base> into)
    {
        if (step == steps.Length)
        {
            into.Add(element);
            return true;
        }

        if (!element.TryGetValue(steps[step], out var value))
        {
            return true;
        }

        switch (value)
        {
            case Base one:
                return Walk(one, steps, step + 1, into);
            case IEnumerable<Base?> many:
                foreach (var item in many)
                {
                    if (item is not null && !Walk(item, steps, step + 1, into))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>One branch of the union: the path from the resource (its type first), then, after <c>as</c>, the steps from the narrowed element.</summary>
    private sealed record Branch(string[] Path, string? TypeName, Type? ClrType, string[] After)
    {
        public string Head => Path[0];
    }

    [GeneratedRegex(@"^(?<path>[A-Z][A-Za-z]*(\.[a-z][A-Za-z0-9]*)+)$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^\((?<path>[A-Z][A-Za-z]*(\.[a-z][A-Za-z0-9]*)+) as (?<type>[A-Za-z]+)\)(?<after>(\.[a-z][A-Za-z0-9]*)*)$")]
    private static partial Regex Narrowed();
}
