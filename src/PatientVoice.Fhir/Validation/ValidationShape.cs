using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// A resource as the validator sees it (ADR 0038): every element, its datatype and its value, except that a plain value of
/// an opaque name (<see cref="ValidationShapeRules"/>) stands as one placeholder, and a literal reference <c>Type/id</c>
/// keeps its type and which references of the resource are equal, not its id. Two resources with the same shape get the
/// same validation report: what differs between them is read by no rule.
/// <para>
/// Plain: 1 to <see cref="MaxPlainLength"/> characters, letters, digits, punctuation, symbols and single inner spaces, no
/// leading or trailing space; ids also match FHIR's id pattern. Anything else (an empty string, other whitespace, control
/// characters, a long value) is kept as it is, so every value that a datatype's pattern or length check could turn down
/// makes its own shape. Values inside a Coding, a Quantity, an Extension or a Narrative, or a CodeableConcept with a
/// checked binding, are always kept as they are (a binding checks a display; an extension's definition may constrain its
/// value), and so are names a datatype's own constraints read within its values. A resource with contained resources,
/// with elements the SDK does not know, or with a left-out reference equal to one kept as it is has no shape and is
/// validated in full.
/// </para>
/// </summary>
public static partial class ValidationShape
{
    /// <summary>The longest value a placeholder stands for; longer values are kept.</summary>
    public const int MaxPlainLength = 1024;

    /// <summary>
    /// The shape of <paramref name="resource"/>, and the values it leaves out (in order), or null when it has none. The key
    /// starts with <paramref name="prefix"/> (the validator's: the profiles validated against), so it is built only once.
    /// </summary>
    public static Shape? Of(Resource resource, ValidationShapeRules rules, int maxLength, string prefix = "")
    {
        if (resource is DomainResource { Contained.Count: > 0 } || rules.For(resource.TypeName) is not { } typeRules)
        {
            return null;
        }

        var walk = new Walk(typeRules, maxLength + prefix.Length, resource.Id);
        walk.Key.Append(prefix);
        return walk.Node(resource, kept: false) && walk.ReferencesConsistent() ? new Shape(walk.Key.ToString(), walk.LeftOut) : null;
    }

    /// <summary>A shape: the key, and the resource's own values it leaves out, in the order it meets them.</summary>
    public sealed record Shape(string Key, IReadOnlyList<LeftOutValue> LeftOut);

    /// <summary>A value a shape leaves out: free text that stands as a placeholder, or a literal reference whose id is left out.</summary>
    public readonly record struct LeftOutValue(PrimitiveType Value, bool IsReference)
    {
        public string Text => (string)Value.JsonValue!;
    }

    private sealed class Walk(ValidationShapeRules.TypeRules rules, int maxLength, string? ownId)
    {
        private readonly Dictionary<string, int> _references = new(StringComparer.Ordinal);
        private readonly HashSet<string> _keptReferences = new(StringComparer.Ordinal);

        // The datatypes the walk is inside of, innermost last, among those whose own constraints read some names.
        private readonly List<string> _datatypes = [];

        public StringBuilder Key { get; } = new(256);

        public List<LeftOutValue> LeftOut { get; } = [];

        /// <summary>Appends a node; false when the resource has no shape (unknown elements, or a key over the limit).</summary>
        public bool Node(Base node, bool kept)
        {
            if (node.HasOverflow || Key.Length > maxLength)
            {
                return false;
            }

            kept |= node is Coding or Quantity or Extension or Narrative;
            var datatype = node is DataType && rules.ReadWithin.ContainsKey(node.TypeName);
            if (datatype)
            {
                _datatypes.Add(node.TypeName);
            }

            Key.Append('{').Append(node.TypeName);
            if (node is PrimitiveType primitive && primitive.JsonValue is { } value)
            {
                Key.Append('=');
                Value(value);
            }

            foreach (var (name, child) in node.EnumerateElements())
            {
                Key.Append(';').Append(name);
                if (child is Base one)
                {
                    if (!Member(name, node, one, kept))
                    {
                        return false;
                    }
                }
                else if (child is IEnumerable<Base> many)
                {
                    Key.Append('[');
                    foreach (var item in many)
                    {
                        if (!Member(name, node, item, kept))
                        {
                            return false;
                        }
                    }

                    Key.Append(']');
                }
                else
                {
                    return false;
                }
            }

            Key.Append('}');
            if (datatype)
            {
                _datatypes.RemoveAt(_datatypes.Count - 1);
            }

            return Key.Length <= maxLength;
        }

        private bool Member(string name, Base parent, Base child, bool kept)
        {
            if (!kept && child is PrimitiveType { JsonValue: string text } primitive && primitive.Extension.Count == 0 && primitive.ElementId is null)
            {
                if (parent is ResourceReference && name == "reference" && rules.ReferenceIdsAreOpaque && LiteralReference().Match(text) is { Success: true } literal)
                {
                    if (!_references.TryGetValue(text, out var index))
                    {
                        index = _references.Count;
                        _references.Add(text, index);
                    }

                    // The validator resolves a reference whose id is the resource's own to the resource itself (found by the
                    // differential test): whether it is, is part of the shape.
                    Key.Append("{ref=").Append(literal.Groups[1].Value).Append("/#").Append(index.ToString(CultureInfo.InvariantCulture))
                        .Append(literal.Groups[2].Value == ownId ? "=own}" : "}");
                    LeftOut.Add(new LeftOutValue(primitive, IsReference: true));
                    return true;
                }

                if (rules.IsOpaque(name) && !IsReadWithinEnclosingDatatype(name) && IsPlain(primitive, text))
                {
                    Key.Append('{').Append(primitive.TypeName).Append("=\u2026}");
                    LeftOut.Add(new LeftOutValue(primitive, IsReference: false));
                    return true;
                }
            }

            if (parent is ResourceReference && name == "reference" && child is PrimitiveType { JsonValue: string reference })
            {
                _keptReferences.Add(reference);
            }

            // A checked binding reads every value of the Coding, CodeableConcept or Quantity it is on.
            return Node(child, kept || (rules.IsBound(name) && child is CodeableConcept or Quantity));
        }

        private bool IsReadWithinEnclosingDatatype(string name)
        {
            foreach (var datatype in _datatypes)
            {
                if (rules.IsReadWithin(datatype, name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// False when a reference whose id is left out equals one kept as it is: the shape would not say they are equal, and
        /// a rule may compare them.
        /// </summary>
        public bool ReferencesConsistent() => LeftOut.All(v => !v.IsReference || !_keptReferences.Contains(v.Text));

        private void Value(object value)
        {
            var text = value switch
            {
                string s => s,
                byte[] bytes => Convert.ToBase64String(bytes),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            // The CLR type of the value too: a value of the wrong kind (a string in an integer) validates differently.
            Key.Append(value.GetType().Name).Append(':').Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text);
        }
    }

    private static bool IsPlain(PrimitiveType primitive, string text)
    {
        if (primitive is not (FhirString or Markdown or Id) || text.Length is 0 or > MaxPlainLength || text[0] == ' ' || text[^1] == ' ')
        {
            return false;
        }

        if (primitive is Id)
        {
            return IdPattern().IsMatch(text);
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ' ? text[i - 1] == ' ' : !(char.IsLetterOrDigit(c) || char.IsPunctuation(c) || char.IsSymbol(c)))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex("^([A-Z][A-Za-z]+)/([A-Za-z0-9\\-\\.]{1,64})$")]
    private static partial Regex LiteralReference();

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();
}
