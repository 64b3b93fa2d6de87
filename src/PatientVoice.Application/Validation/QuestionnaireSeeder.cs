using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Storage;
using PatientVoice.Application.Write;

namespace PatientVoice.Application.Validation;

/// <summary>
/// Puts the questionnaires we ship (profiles/Questionnaire-*.json) into the store at start-up, once per
/// canonical url and version: a restart, or a second instance, finds them there and writes nothing. Earlier versions
/// (profiles/previous/) are seeded too, so a response pinned to one validates in a store that never held it.
/// </summary>
public sealed partial class QuestionnaireSeeder(ConformancePackage package, IResourceStore store, ResourceWriter writer, ILogger<QuestionnaireSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = await store.BeginWriteAsync(cancellationToken);
        foreach (var shipped in package.Questionnaires.Concat(package.PreviousQuestionnaires))
        {
            // The package's instances are shared: write a copy, the store sets id and meta on what it writes.
            var questionnaire = shipped.DeepCopy();
            var condition = $"url={Uri.EscapeDataString(questionnaire.Url ?? string.Empty)}&version={Uri.EscapeDataString(questionnaire.Version ?? string.Empty)}";
            // Checked by the conformance tests; validating here would hold start-up until the validator is warm.
            var outcome = await writer.CreateAsync(session, writer.Index(questionnaire), condition, cancellationToken);
            LogSeeded(questionnaire.Url, questionnaire.Version, outcome.Stored.Id, outcome.Created);
        }

        await session.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Questionnaire {Url}|{Version} is Questionnaire/{Id} (created now: {Created})")]
    private partial void LogSeeded(string? url, string? version, string id, bool created);
}
