using PatientVoice.Storage;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// Puts the topics we publish (<see cref="SubscriptionTopics"/>) in the store at start-up as Basic resources with fixed
/// ids (<c>Basic/questionnaire-submitted</c>, …): a restart, or a second instance, finds them unchanged and writes nothing.
/// </summary>
public sealed partial class SubscriptionTopicSeeder(IResourceStore store, ILogger<SubscriptionTopicSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = await store.BeginWriteAsync(cancellationToken);
        foreach (var topic in SubscriptionTopics.All)
        {
            var result = await session.PutAsync(SubscriptionTopicResource.ToBasic(topic), null, cancellationToken);
            LogSeeded(topic.Url, result.Stored.Id, !result.Unchanged);
        }

        await session.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "SubscriptionTopic {Url} is Basic/{Id} (written now: {Written})")]
    private partial void LogSeeded(string url, string id, bool written);
}
