using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Application.Write;

namespace PatientVoice.Application.Subscriptions;

public static class SubscriptionServiceCollectionExtensions
{
    /// <summary>
    /// Topic-based subscriptions (section <c>Subscriptions</c>, docs/adr/0023): the topics seeded at start-up, the rules
    /// every Subscription write passes, the notifier every write reports to, and the rest-hook delivery worker.
    /// A door that knows its caller replaces <see cref="ISubscriberAccess"/>.
    /// </summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SubscriptionOptions.Section);
        services.AddOptions<SubscriptionOptions>().Bind(section)
            .Validate(o => o.BatchSize > 0 && o.MaxAttempts > 0 && o.HandshakeAttempts > 0 && o.Lease > TimeSpan.FromSeconds(o.MaxTimeoutSeconds + 10) && o.PollInterval > TimeSpan.Zero,
                "Subscriptions: BatchSize, MaxAttempts, HandshakeAttempts and PollInterval must be positive, and Lease longer than MaxTimeoutSeconds + 10 s.")
            .ValidateOnStart();
        services.TryAddSingleton<ISubscriberAccess, ServerSubscriberAccess>();
        services.AddSingleton<WorkerSignal<SubscriptionWorker>>();
        services.AddSingleton<SubscriptionNotifier>();
        services.AddSingleton<IWriteObserver>(sp => sp.GetRequiredService<SubscriptionNotifier>());
        services.AddSingleton<IResourceWriteValidator, SubscriptionRules>();
        services.AddHostedService<SubscriptionTopicSeeder>();
        services.AddHttpClient(RestHookClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                UseCookies = false,
            });
        services.AddSingleton<RestHookClient>();
        if (section.GetValue(nameof(SubscriptionOptions.DeliveryEnabled), true))
        {
            services.AddHostedService<SubscriptionWorker>();
        }

        return services;
    }
}
