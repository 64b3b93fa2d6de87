using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// A resource's twin (ADR 0038): a copy in which every value its <see cref="ValidationShape"/> leaves out is replaced by a
/// different plain value (free text by other words, a reference's id by another id, references that were equal still
/// equal). If what a shape leaves out is truly read by no rule, the twin and the resource validate alike.
/// </summary>
public static class ShapeTwins
{
    /// <summary>The twin, or null when the resource has no shape or its shape leaves nothing out.</summary>
    public static Resource? Of(Resource resource, ValidationShapeRules rules, int maxLength)
    {
        var twin = (Resource)resource.DeepCopy();
        if (ValidationShape.Of(twin, rules, maxLength) is not { LeftOut.Count: > 0 } shape)
        {
            return null;
        }

        // The resource's own id first: a reference to the resource's own id still is one in the twin.
        var ownId = resource.Id;
        var ownIdLeftOut = shape.LeftOut.Any(v => v.Value is Id && ReferenceEquals(v.Value, twin.IdElement));
        var twinId = ownIdLeftOut ? "twin-own-id" : ownId;
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shape.LeftOut.Count; i++)
        {
            var (value, isReference) = shape.LeftOut[i];
            var text = (string)value.JsonValue!;
            var number = i.ToString(CultureInfo.InvariantCulture);
            if (isReference)
            {
                var slash = text.IndexOf('/', StringComparison.Ordinal);
                var id = text[(slash + 1)..] == ownId ? twinId : $"twin-ref-{references.Count.ToString(CultureInfo.InvariantCulture)}";
                value.JsonValue = references.TryGetValue(text, out var known) ? known : references[text] = $"{text[..slash]}/{id}";
            }
            else
            {
                value.JsonValue = ReferenceEquals(value, twin.IdElement) ? twinId : value is Id ? $"twin-id-{number}" : $"Other words, number {number}; quite different!";
            }
        }

        return twin;
    }
}
