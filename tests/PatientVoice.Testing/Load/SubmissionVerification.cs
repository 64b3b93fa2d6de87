using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PatientVoice.Testing.Load;

/// <summary>What the data says after a run, per acknowledged submission.</summary>
public sealed record VerificationResult(int Acknowledged, int Lost, int Duplicated, int WrittenBack, IReadOnlyList<string> Problems)
{
    public bool Clean => Lost == 0 && Duplicated == 0;

    public string Report()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"verified {Acknowledged} acknowledged submissions: {WrittenBack} written back to the EHR, lost {Lost}, duplicated {Duplicated}\n"));
        foreach (var problem in Problems.Take(20))
        {
            text.AppendLine("  " + problem);
        }

        return text.ToString();
    }
}

/// <summary>
/// After a run: every submission the harness saw acknowledged is stored once (completed), extracted once (one
/// Provenance naming it, each Goal/Observation/DocumentReference it names present, no extracted identifier held by
/// two resources), and written back to the EHR once (its write-back Task delivered; the response, the Provenance and
/// every extracted resource found exactly once in the EHR by the identifiers the write-back keys them by).
/// </summary>
public static class SubmissionVerification
{
    public const string ExtractedSystem = "http://patientvoice.example.org/fhir/sid/extracted";
    public const string ResponseSystem = "http://patientvoice.example.org/fhir/sid/response";
    public const string ProvenanceTagSystem = "http://patientvoice.example.org/fhir/sid/provenance";
    private static readonly string[] ExtractedTypes = ["Goal", "Observation", "DocumentReference"];

    public static async Task<VerificationResult> VerifyAsync(FhirSearch patientVoice, FhirSearch ehr, IReadOnlyList<AcknowledgedSubmission> acknowledged,
        TimeSpan writeBackPatience, CancellationToken cancellationToken)
    {
        var problems = new ConcurrentQueue<string>();
        var lost = 0;
        var duplicated = 0;
        var writtenBack = 0;
        void Lost(string what) { Interlocked.Increment(ref lost); problems.Enqueue("lost: " + what); }
        void Duplicate(string what) { Interlocked.Increment(ref duplicated); problems.Enqueue("duplicated: " + what); }

        // Acknowledged twice is a duplicate in itself (two acknowledgements of one submission).
        foreach (var twice in acknowledged.GroupBy(a => a.ResponseId).Where(g => g.Count() > 1))
        {
            Duplicate($"QuestionnaireResponse/{twice.Key} acknowledged {twice.Count()} times");
        }

        var deadline = DateTimeOffset.UtcNow + writeBackPatience;
        await Parallel.ForEachAsync(acknowledged.DistinctBy(a => a.ResponseId), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (submission, ct) =>
        {
            var id = submission.ResponseId;
            if (await patientVoice.ReadAsync($"QuestionnaireResponse/{id}", ct) is not { } response
                || response.GetProperty("status").GetString() is not ("completed" or "amended"))
            {
                Lost($"QuestionnaireResponse/{id} ({submission.Questionnaire}) is not stored as completed");
                return;
            }

            var version = response.GetProperty("meta").GetProperty("versionId").GetString();
            // The submission's own Provenance names the response as its source; a later submission's Provenance names it too,
            // as the revision it follows (role "revision"): that one is not a second extraction of this response.
            var provenances = (await patientVoice.AllAsync($"Provenance?entity=QuestionnaireResponse/{id}", ct))
                .Where(p => IsSourceOf(p, id))
                .ToList();
            if (provenances.Count == 0)
            {
                Lost($"QuestionnaireResponse/{id}: no Provenance (not extracted)");
                return;
            }

            if (provenances.Count > 1)
            {
                Duplicate($"QuestionnaireResponse/{id}: {provenances.Count} Provenances (extracted {provenances.Count} times)");
            }

            var mine = new List<(string Type, string Identifier)>();
            foreach (var target in provenances[0].GetProperty("target").EnumerateArray().Select(t => t.GetProperty("reference").GetString()!))
            {
                var type = target.Split('/')[0];
                if (!ExtractedTypes.Contains(type))
                {
                    continue;
                }

                if (await patientVoice.ReadAsync(target, ct) is not { } resource)
                {
                    Lost($"{target}, extracted from QuestionnaireResponse/{id}, is not stored");
                    continue;
                }

                if (FhirSearch.Identifier(resource, ExtractedSystem) is { } identifier)
                {
                    mine.Add((type, identifier));
                }
            }

            // Written back: the Task says delivered, then the EHR holds each piece exactly once.
            var task = $"Task/ehrsync-{id}-{version}";
            string status;
            while (true)
            {
                status = await patientVoice.ReadAsync(task, ct) is { } t
                    ? t.GetProperty("businessStatus").GetProperty("coding")[0].GetProperty("code").GetString() ?? "?"
                    : "no Task";
                if (status is "delivered" or "failed" || DateTimeOffset.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(500, ct);
            }

            if (status != "delivered")
            {
                Lost($"QuestionnaireResponse/{id}: write-back {status} after {writeBackPatience.TotalSeconds:F0} s");
                return;
            }

            Interlocked.Increment(ref writtenBack);
            await ExactlyOnceInEhrAsync($"QuestionnaireResponse?identifier={Uri.EscapeDataString($"{ResponseSystem}|{id}")}", $"QuestionnaireResponse/{id} in the EHR");
            var provenanceId = provenances[0].GetProperty("id").GetString()!;
            await ExactlyOnceInEhrAsync($"Provenance?_tag={Uri.EscapeDataString($"{ProvenanceTagSystem}|{provenanceId}")}", $"Provenance/{provenanceId} in the EHR");
            foreach (var (type, identifier) in mine)
            {
                await ExactlyOnceInEhrAsync($"{type}?identifier={Uri.EscapeDataString($"{ExtractedSystem}|{identifier}")}", $"{type} {identifier} (from QuestionnaireResponse/{id}) in the EHR");
            }

            async Task ExactlyOnceInEhrAsync(string query, string what)
            {
                var found = (await ehr.AllAsync(query, ct)).Count;
                if (found == 0)
                {
                    Lost(what);
                }
                else if (found > 1)
                {
                    Duplicate($"{what}: {found} copies");
                }
            }
        });

        // No extracted identifier is held by two of our resources (an extraction run twice would make a second set).
        foreach (var patient in acknowledged.Select(a => a.Patient).Distinct(StringComparer.Ordinal))
        {
            foreach (var type in ExtractedTypes)
            {
                var all = await patientVoice.AllAsync($"{type}?patient=Patient/{patient}&_count=500", cancellationToken);
                foreach (var twice in all.Select(r => FhirSearch.Identifier(r, ExtractedSystem)).OfType<string>().GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1))
                {
                    Duplicate($"{type} identifier {twice.Key} held by {twice.Count()} resources in PatientVoice");
                }
            }
        }

        return new VerificationResult(acknowledged.Select(a => a.ResponseId).Distinct(StringComparer.Ordinal).Count(), lost, duplicated, writtenBack, [.. problems]);
    }

    private static bool IsSourceOf(JsonElement provenance, string responseId)
        => provenance.TryGetProperty("entity", out var entities) && entities.EnumerateArray().Any(entity =>
            entity.TryGetProperty("role", out var role) && role.GetString() == "source"
            && entity.GetProperty("what").TryGetProperty("reference", out var what)
            && what.GetString() is { } reference
            && (reference == $"QuestionnaireResponse/{responseId}" || reference.StartsWith($"QuestionnaireResponse/{responseId}/_history/", StringComparison.Ordinal)));
}
