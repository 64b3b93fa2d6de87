using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Transactions;

/// <summary>Rewrites references to other entries of a transaction (<c>urn:uuid:</c>, <c>urn:oid:</c>) to the ids they got.</summary>
public static class ReferenceResolver
{
    public static void Resolve(Base element, IReadOnlyDictionary<string, string> references)
    {
        if (element is ResourceReference { Reference: { } target } reference && IsPlaceholder(target))
        {
            reference.Reference = references.TryGetValue(target, out var resolved)
                ? resolved
                : throw new BadRequestException($"The reference '{target}' names no entry of this transaction.");
        }

        foreach (var (_, value) in element.EnumerateElements())
        {
            switch (value)
            {
                case Base child:
                    Resolve(child, references);
                    break;
                case IEnumerable<Base> children:
                    foreach (var child in children)
                    {
                        Resolve(child, references);
                    }

                    break;
            }
        }
    }

    public static bool IsPlaceholder(string? url)
        => url is not null && (url.StartsWith("urn:uuid:", StringComparison.Ordinal) || url.StartsWith("urn:oid:", StringComparison.Ordinal));
}
