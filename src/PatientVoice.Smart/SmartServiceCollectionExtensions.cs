using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Smart;

public static class SmartServiceCollectionExtensions
{
    /// <summary>
    /// The SMART App Launch client: <see cref="SmartDiscovery"/> (one cache per process) and
    /// <see cref="SmartTokenClient"/>, over the named <c>HttpClient</c> <see cref="SmartClientOptions.HttpClientName"/>
    /// (which follows no redirects: an EHR endpoint answers where it was configured or not at all).
    /// </summary>
    public static IServiceCollection AddSmartLaunchClient(this IServiceCollection services, Action<SmartClientOptions>? configure = null)
    {
        services.AddOptions<SmartClientOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(SmartClientOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton<SmartDiscovery>();
        services.TryAddSingleton<SmartTokenClient>();
        return services;
    }
}
