namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>What the generator did to a seed. Every kind but <see cref="Valid"/> changes exactly one thing.</summary>
public enum MutationKind
{
    /// <summary>The seed itself, or a variant with benign changes (id, free text, dates, an extra identifier).</summary>
    Valid,

    /// <summary>One element removed: missing required elements, cardinality minimums, slices that must be present.</summary>
    RemoveElement,

    /// <summary>One list item repeated: cardinality maximums (e.g. a max-1 slice or a 0..1 list in a profile).</summary>
    DuplicateElement,

    /// <summary>One element replaced by an empty one of its type: ele-1 ("all FHIR elements must have a @value or children").</summary>
    EmptyElement,

    /// <summary>One primitive given a value its type's format refuses (code, id, string, uri, date, dateTime, time, positiveInt, xhtml).</summary>
    BadPrimitiveFormat,

    /// <summary>One choice element ([x]) given another datatype, e.g. Observation.valueCodeableConcept where a string is required.</summary>
    WrongType,

    /// <summary>An element the type does not define.</summary>
    UnknownElement,

    /// <summary>A code or coding that its binding does not contain (required bindings, our value sets) or a wrong display.</summary>
    BadCode,

    /// <summary>A reference to another type, another patient, a missing contained resource or a malformed one.</summary>
    BadReference,

    /// <summary>A coding our profiles slice or pattern-match on (category, code, type) changed in system or code.</summary>
    BrokenSlice,

    /// <summary>An invariant broken: dom-2..5, txt-1/2, ext-1, per-1, qty-3 and our profiles' FHIRPath constraints (pv-*).</summary>
    ConstraintBreak,
}
