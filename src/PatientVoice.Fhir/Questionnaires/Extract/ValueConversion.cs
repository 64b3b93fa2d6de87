using System.Globalization;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Fits an answer (or an expression's result) to the element it goes in: a Coding into a CodeableConcept or a code, a
/// date into a dateTime, a string into a Reference's reference, a number into a decimal. Null when it does not fit,
/// including a text its primitive type's format refuses (an answer written to <c>Goal.id</c> must be a FHIR id).
/// </summary>
internal static class ValueConversion
{
    public static Base? To(DataType value, PropertyMapping mapping, string? chosenType)
    {
        IEnumerable<Type> candidates = chosenType is not null && TypeNamed(chosenType) is { } chosen
            ? [chosen]
            : mapping.Choice == ChoiceType.DatatypeChoice ? mapping.FhirType : [mapping.ImplementingType];
        var types = candidates.ToList();

        if (types.FirstOrDefault(t => t.IsInstanceOfType(value)) is not null)
        {
            return value.DeepCopy();
        }

        foreach (var type in types)
        {
            if (Convert(value, type) is { } converted)
            {
                return converted;
            }
        }

        return null;
    }

    public static Type? TypeNamed(string name)
    {
        var inspector = ModelInfo.ModelInspector;
        return inspector.FindClassMapping(name)?.NativeType
            ?? inspector.FindClassMapping(char.ToLowerInvariant(name[0]) + name[1..])?.NativeType;
    }

    /// <summary>An Observation value[x] from an answer (R4 has dateTime, not date, and no uri or Coding there).</summary>
    public static DataType ForObservation(DataType answer, Coding? unit) => answer switch
    {
        Coding c => new CodeableConcept { Coding = [(Coding)c.DeepCopy()] },
        Date d => new FhirDateTime(d.Value),
        FhirDecimal n when unit is not null => new Quantity { Value = n.Value, Unit = unit.Display ?? unit.Code, System = unit.System, Code = unit.Code },
        Integer n when unit is not null => new Quantity { Value = n.Value, Unit = unit.Display ?? unit.Code, System = unit.System, Code = unit.Code },
        FhirDecimal n => new Quantity { Value = n.Value },
        FhirUri u => new FhirString(u.Value),
        ResourceReference r => new FhirString(r.Display ?? r.Reference),
        Attachment a => new FhirString(a.Title ?? a.Url),
        _ => (DataType)answer.DeepCopy(),
    };

    private static Base? Convert(DataType value, Type target)
    {
        var text = TextOf(value);
        if (target == typeof(CodeableConcept))
        {
            return value switch
            {
                Coding c => new CodeableConcept { Coding = [(Coding)c.DeepCopy()] },
                _ when text is not null => new CodeableConcept { Text = text },
                _ => null,
            };
        }

        if (target == typeof(Coding))
        {
            return value switch
            {
                CodeableConcept cc when cc.Coding.Count > 0 => cc.Coding[0].DeepCopy(),
                Code code => new Coding(null, code.Value),
                _ => null,
            };
        }

        if (target == typeof(ResourceReference))
        {
            return text is null ? null : new ResourceReference(text);
        }

        if (target == typeof(FhirDateTime))
        {
            return value switch
            {
                Date d => new FhirDateTime(d.Value),
                Instant i when i.Value is { } at => new FhirDateTime(at),
                _ => null,
            };
        }

        if (target == typeof(Instant))
        {
            return value is FhirDateTime dt && dt.TryToDateTimeOffset(out var at) ? new Instant(at) : null;
        }

        if (target == typeof(Date))
        {
            return value is FhirDateTime dt && dt.Value is { Length: >= 10 } v ? new Date(v[..10]) : null;
        }

        if (target == typeof(FhirDecimal))
        {
            return AnswerValues.Number(value) is { } n ? new FhirDecimal(n) : null;
        }

        if (target == typeof(Quantity))
        {
            return AnswerValues.Number(value) is { } n ? new Quantity { Value = n } : null;
        }

        if (typeof(PrimitiveType).IsAssignableFrom(target) && !target.IsAbstract)
        {
            var primitiveText = value is Coding coding ? coding.Code : text;
            if (primitiveText is null)
            {
                return null;
            }

            if (target == typeof(Integer) || target == typeof(PositiveInt) || target == typeof(UnsignedInt) || target == typeof(FhirBoolean))
            {
                return null;
            }

            // A value its type's format refuses (an id with a space, a code with a line break) does not fit.
            if (!FitsFormat(target, primitiveText))
            {
                return null;
            }

            var primitive = (PrimitiveType)Activator.CreateInstance(target)!;
            primitive.JsonValue = primitiveText;
            return primitive;
        }

        return null;
    }

    // The SDK's own format check of a primitive type (Id.IsValidValue, Code.IsValidValue...), where the type has one.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<string, bool>?> FormatChecks = new();

    private static bool FitsFormat(Type primitive, string text)
    {
        var check = FormatChecks.GetOrAdd(primitive, type =>
            type.GetMethod("IsValidValue", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, [typeof(string)]) is { ReturnType: var returns } method && returns == typeof(bool)
                ? method.CreateDelegate<Func<string, bool>>()
                : null);
        return check is null || check(text);
    }

    private static string? TextOf(DataType value) => value switch
    {
        PrimitiveType { JsonValue: { } v } => System.Convert.ToString(v, CultureInfo.InvariantCulture),
        Coding c => c.Display ?? c.Code,
        ResourceReference r => r.Reference,
        _ => null,
    };
}
