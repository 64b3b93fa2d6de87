using Hl7.Fhir.Model;
using PatientVoice.Application.Transactions;
using PatientVoice.Storage;

namespace PatientVoice.Application.Submit;

/// <summary>
/// What storing a submission comes to: nothing new (<see cref="Existing"/>: the If-None-Exist match, or the same
/// response again), or a <see cref="Transaction"/> to run — the response first, then what it yields, its Provenance and
/// the goals it ends — with the <see cref="Guard"/> its conditions must still pass inside the transaction.
/// </summary>
public sealed record SubmissionPlan(StoredResource? Existing, Bundle? Transaction, TransactionGuard? Guard, bool ServerNamesIt)
{
    public static SubmissionPlan Nothing(StoredResource existing) => new(existing, null, null, false);
}
