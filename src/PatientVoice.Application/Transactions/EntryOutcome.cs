using Hl7.Fhir.Model;
using PatientVoice.Application.Write;
using PatientVoice.Storage;

namespace PatientVoice.Application.Transactions;

/// <summary>What one batch or transaction entry did; the FHIR API turns it into <c>Bundle.entry.response</c>.</summary>
public enum EntryKind
{
    /// <summary>201: a new resource.</summary>
    Created,

    /// <summary>200: a new version, an unchanged one, or the one an If-None-Exist found.</summary>
    Written,

    /// <summary>204: deleted (<see cref="EntryOutcome.Stored"/> is the tombstone) or nothing to delete (null).</summary>
    Deleted,

    /// <summary>200: a read (the stored version) or a search (<see cref="EntryOutcome.Resource"/>, a searchset Bundle).</summary>
    Read,
}

public sealed record EntryOutcome(EntryKind Kind, StoredResource? Stored = null, Resource? Resource = null)
{
    public static EntryOutcome Of(WriteOutcome outcome) => new(outcome.Created ? EntryKind.Created : EntryKind.Written, outcome.Stored);
}
