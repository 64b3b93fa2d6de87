using PatientVoice.Storage;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// Delivers one submission to the EHR (or one change made on a patient page: the resource, then its Provenance): the
/// response, then the patient note, then what was extracted (Goals,
/// Observations, …), then the Provenance, each written idempotently, references rewritten to the EHR's ids. A type the
/// EHR does not list or refuses (4xx) takes its next route (<see cref="FallbackPlan"/>), its refusal recorded; a
/// transient failure stops the run, and the outbox runs it again later from the start (every write is idempotent).
/// </summary>
public sealed partial class SubmissionDelivery(IResourceStore store, EhrWriteClient ehr, EhrCapabilityCache capabilities, FallbackPlan plan, ILogger<SubmissionDelivery> logger)
{
    private const string PatientNoteCode = "51855-5";

    public async Task<DeliveryReport> DeliverAsync(EhrSyncMessage message, CancellationToken cancellationToken)
    {
        var (caps, unavailable) = await capabilities.GetAsync(cancellationToken);
        if (caps is null)
        {
            return new DeliveryReport(DeliveryState.Retrying, unavailable!.Reason, [], unavailable.RetryAfter);
        }

        var items = await LoadAsync(message, cancellationToken);
        if (message.IsPageChange ? items.Count == 0 || items[0].Type == "Provenance" : items.Count == 0 || items[0].Type != "QuestionnaireResponse")
        {
            return new DeliveryReport(DeliveryState.Failed, $"{message.Focus} is no longer stored in PatientVoice.", []);
        }

        var inEhr = new Dictionary<string, string>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, ItemOutcome>(StringComparer.Ordinal);
        var waitingForNote = new List<(Item Item, string Reason)>();
        ItemOutcome? note = null;
        foreach (var item in items)
        {
            var routes = plan.RoutesFor(item.Type, item.IsPatientNote);
            string? reason = null;
            if (routes.Contains(item.Type))
            {
                var capability = caps.For(item.Type);
                if (!capability.Writable)
                {
                    reason = $"the EHR's CapabilityStatement offers no create or update of {item.Type}";
                }
                else
                {
                    var (copy, condition) = EhrResourceCopy.Create(item.Type, item.Id, item.Json);
                    EhrResourceCopy.RewriteReferences(copy, inEhr);
                    var attempt = await ehr.WriteAsync(item.Type, copy.ToJsonString(), condition, capability, cancellationToken);
                    switch (attempt.Kind)
                    {
                        case WriteAttemptKind.Transient:
                            return new DeliveryReport(DeliveryState.Retrying, $"{item.Reference}: {attempt.Reason}", [.. outcomes.Values], attempt.RetryAfter);
                        case WriteAttemptKind.Written:
                            if (attempt.EhrReference is { } written)
                            {
                                inEhr[item.Reference] = written;
                            }

                            outcomes[item.Reference] = new ItemOutcome(item.Reference, ItemRoute.Delivered, Absolute(attempt.EhrReference), null);
                            break;
                        default:
                            reason = $"refused by the EHR: {attempt.Reason}";
                            break;
                    }
                }
            }
            else
            {
                reason = $"{item.Type} is not written to the EHR as itself (EhrSync:Fallbacks)";
            }

            if (item.IsPatientNote)
            {
                note = outcomes.GetValueOrDefault(item.Reference) ?? new ItemOutcome(item.Reference, ItemRoute.NotDelivered, null, reason);
                outcomes[item.Reference] = note;
                foreach (var (waiting, why) in waitingForNote)
                {
                    Route(waiting, why);
                }

                waitingForNote.Clear();
            }
            else if (reason is not null)
            {
                if (note is null && routes.Contains(FallbackPlan.PatientNote))
                {
                    waitingForNote.Add((item, reason));
                }
                else
                {
                    Route(item, reason);
                }
            }
        }

        // No patient note in this submission: nothing can travel inside it.
        foreach (var (waiting, why) in waitingForNote)
        {
            Route(waiting, why);
        }

        var report = outcomes.Values.ToList();
        var missing = report.Where(o => o.Route == ItemRoute.NotDelivered).ToList();
        LogDelivered(message.Key, report.Count(o => o.Route == ItemRoute.Delivered), report.Count(o => o.Route == ItemRoute.InPatientNote), missing.Count);
        return missing.Count == 0
            ? new DeliveryReport(DeliveryState.Delivered, null, report)
            : new DeliveryReport(DeliveryState.Failed, $"Not delivered: {string.Join("; ", missing.Select(m => $"{m.LocalReference} ({m.Reason})"))}", report);

        void Route(Item item, string reason)
        {
            var routes = plan.RoutesFor(item.Type, item.IsPatientNote);
            if (routes.Contains(FallbackPlan.PatientNote) && note is { Route: ItemRoute.Delivered, EhrReference: { } noteUrl })
            {
                outcomes[item.Reference] = new ItemOutcome(item.Reference, ItemRoute.InPatientNote, noteUrl, reason);
                // What referred to this item now refers to the note that carries it.
                if (inEhr.TryGetValue(note.LocalReference, out var noteInEhr))
                {
                    inEhr[item.Reference] = noteInEhr;
                }
            }
            else
            {
                outcomes[item.Reference] = new ItemOutcome(item.Reference, ItemRoute.NotDelivered, null, reason);
            }
        }
    }

    private string? Absolute(string? relative) => relative is null ? null : new Uri(ehr.FhirBase, relative).ToString();

    // The response, the note, the rest as the submission listed them, the Provenance last (it names them all).
    private async Task<List<Item>> LoadAsync(EhrSyncMessage message, CancellationToken cancellationToken)
    {
        var items = new List<Item>();
        async Task Add(string type, string id)
        {
            if (await store.ReadAsync(type, id, cancellationToken) is { IsDeleted: false, Json: { } json })
            {
                var isNote = type == "DocumentReference" && json.Contains($"\"{PatientNoteCode}\"", StringComparison.Ordinal);
                items.Add(new Item(type, id, json, isNote));
            }
        }

        if (!message.IsPageChange)
        {
            await Add("QuestionnaireResponse", message.ResponseId);
        }

        var rest = message.Items.Select(r => r.Split('/')).Where(p => p.Length == 2).ToList();
        foreach (var parts in rest.Where(p => p[0] == "DocumentReference"))
        {
            await Add(parts[0], parts[1]);
        }

        foreach (var parts in rest.Where(p => p[0] != "DocumentReference"))
        {
            await Add(parts[0], parts[1]);
        }

        await Add("Provenance", message.ProvenanceId);
        return [.. items.OrderBy(i => i.Type == "QuestionnaireResponse" ? 0 : i.IsPatientNote ? 1 : i.Type == "Provenance" ? 3 : 2)];
    }

    private sealed record Item(string Type, string Id, string Json, bool IsPatientNote)
    {
        public string Reference => $"{Type}/{Id}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EHR write-back {Key}: {Delivered} written, {InNote} in the patient note, {Missing} not delivered")]
    private partial void LogDelivered(string key, int delivered, int inNote, int missing);
}
